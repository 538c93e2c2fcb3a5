//! The change strategy of a recommendation (tactics, allies, the power map) and members as advocates (who opted in
//! to the follow-up, the advocacy material, the actions members log).

use domain::impact::{
    ActorRole, AllyKind, Arena, MaterialKind, TacticKind, TacticStatus, Visibility,
};
use sqlx::{AnyConnection, Row};

use super::{code, ensure_recommendation};
use crate::StoreError;

/// A tactic of the change strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TacticRow {
    /// Inside or outside the institutions.
    pub arena: Arena,
    /// What it is.
    pub kind: TacticKind,
    /// What is planned or was done.
    pub description: String,
    /// Who leads it (a name or a group, as the members choose to write it).
    pub lead: String,
    /// Planned or done.
    pub status: TacticStatus,
    /// The outcome (empty until known).
    pub outcome: String,
}

/// An ally backing a recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllyRow {
    /// The organisation's or person's name.
    pub name: String,
    /// An organisation or a person.
    pub kind: AllyKind,
    /// How they help.
    pub note: String,
}

/// A decision-maker or influencer on the power map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorRow {
    /// Who (an office or a body, e.g. "Minister for Housing").
    pub name: String,
    /// Decision-maker or influencer.
    pub actor_role: ActorRole,
    /// Visible or hidden power.
    pub visibility: Visibility,
    /// -2 (strongly against) to 2 (strongly for).
    pub stance: i64,
    /// 1 (little) to 5 (decisive).
    pub influence: i64,
}

/// The change strategy of one recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Strategy {
    /// Tactics, oldest first.
    pub tactics: Vec<TacticRow>,
    /// Allies, oldest first.
    pub allies: Vec<AllyRow>,
    /// The power map, oldest first.
    pub actors: Vec<ActorRow>,
    /// The id and version of each tactic, in the order of `tactics`.
    pub tactic_keys: Vec<super::Key>,
}

/// Adds a tactic and returns its id.
pub async fn add_tactic(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    tactic: &TacticRow,
    now: i64,
) -> Result<i64, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO impact_tactics (recommendation_id, arena, kind, description, lead, status, outcome, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(recommendation_id)
    .bind(tactic.arena.as_str())
    .bind(tactic.kind.as_str())
    .bind(&tactic.description)
    .bind(&tactic.lead)
    .bind(tactic.status.as_str())
    .bind(&tactic.outcome)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Adds an ally and returns its id.
pub async fn add_ally(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    ally: &AllyRow,
    now: i64,
) -> Result<i64, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO impact_allies (recommendation_id, name, kind, note, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(recommendation_id)
    .bind(&ally.name)
    .bind(ally.kind.as_str())
    .bind(&ally.note)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Adds an actor to the power map and returns its id.
pub async fn add_actor(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    actor: &ActorRow,
    now: i64,
) -> Result<i64, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO impact_actors (recommendation_id, name, actor_role, visibility, stance, influence, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(recommendation_id)
    .bind(&actor.name)
    .bind(actor.actor_role.as_str())
    .bind(actor.visibility.as_str())
    .bind(actor.stance)
    .bind(actor.influence)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The change strategy of a recommendation.
pub async fn strategy(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
) -> Result<Strategy, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    let rows = sqlx::query(
        "SELECT id, version, arena, kind, description, lead, status, outcome FROM impact_tactics
         WHERE recommendation_id = $1 ORDER BY id",
    )
    .bind(recommendation_id)
    .fetch_all(&mut *conn)
    .await?;
    let tactics = rows
        .iter()
        .map(super::edits::tactic_from_row)
        .collect::<Result<Vec<_>, StoreError>>()?;
    let tactic_keys = rows
        .iter()
        .map(|row| {
            Ok(super::Key {
                id: row.try_get("id")?,
                version: row.try_get("version")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let allies = sqlx::query(
        "SELECT name, kind, note FROM impact_allies WHERE recommendation_id = $1 ORDER BY id",
    )
    .bind(recommendation_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        Ok(AllyRow {
            name: row.try_get("name")?,
            kind: code(row, "kind", AllyKind::parse)?,
            note: row.try_get("note")?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let actors = sqlx::query(
        "SELECT name, actor_role, visibility, stance, influence FROM impact_actors WHERE recommendation_id = $1 ORDER BY id",
    )
    .bind(recommendation_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        Ok(ActorRow {
            name: row.try_get("name")?,
            actor_role: code(row, "actor_role", ActorRole::parse)?,
            visibility: code(row, "visibility", Visibility::parse)?,
            stance: row.try_get("stance")?,
            influence: row.try_get("influence")?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Strategy {
        tactics,
        allies,
        actors,
        tactic_keys,
    })
}

/// Opts an account in to (or out of) the follow-up of an assembly; returns whether anything changed.
pub async fn set_advocate(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
    opted_in: bool,
    now: i64,
) -> Result<bool, StoreError> {
    let result = if opted_in {
        sqlx::query(
            "INSERT INTO impact_advocates (assembly_id, account_id, opted_in_at) VALUES ($1, $2, $3)
             ON CONFLICT (assembly_id, account_id) DO NOTHING",
        )
        .bind(assembly_id)
        .bind(account_id)
        .bind(now)
        .execute(conn)
        .await?
    } else {
        sqlx::query("DELETE FROM impact_advocates WHERE assembly_id = $1 AND account_id = $2")
            .bind(assembly_id)
            .bind(account_id)
            .execute(conn)
            .await?
    };
    Ok(result.rows_affected() == 1)
}

/// Whether an account opted in to follow-up.
pub async fn is_advocate(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT account_id FROM impact_advocates WHERE assembly_id = $1 AND account_id = $2",
    )
    .bind(assembly_id)
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// How many accounts opted in to follow-up.
pub async fn count_advocates(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM impact_advocates WHERE assembly_id = $1")
            .bind(assembly_id)
            .fetch_one(conn)
            .await?,
    )
}

/// Advocacy material for a recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialRow {
    /// Talking point or media training.
    pub kind: MaterialKind,
    /// The text.
    pub body: String,
    /// A link (media-training material), or empty.
    pub link: String,
}

/// Adds material and returns its id.
pub async fn add_material(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    material: &MaterialRow,
    now: i64,
) -> Result<i64, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO impact_material (recommendation_id, kind, body, link, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(recommendation_id)
    .bind(material.kind.as_str())
    .bind(&material.body)
    .bind(&material.link)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The material of a recommendation, oldest first.
pub async fn material(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
) -> Result<Vec<MaterialRow>, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    sqlx::query(
        "SELECT kind, body, link FROM impact_material WHERE recommendation_id = $1 ORDER BY id",
    )
    .bind(recommendation_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(MaterialRow {
            kind: code(row, "kind", MaterialKind::parse)?,
            body: row.try_get("body")?,
            link: row.try_get("link")?,
        })
    })
    .collect()
}

/// An advocacy action logged by a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRow {
    /// The account that logged it.
    pub account_id: i64,
    /// Its display name (shown to members and organisers only).
    pub display_name: String,
    /// The date, `YYYY-MM-DD`.
    pub happened_on: String,
    /// What was done.
    pub description: String,
}

/// Logs an action of `account_id` for a recommendation and returns its id.
pub async fn add_action(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    account_id: i64,
    happened_on: &str,
    description: &str,
    now: i64,
) -> Result<i64, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO impact_actions (recommendation_id, account_id, happened_on, description, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(recommendation_id)
    .bind(account_id)
    .bind(happened_on)
    .bind(description)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The actions logged for a recommendation, oldest first.
pub async fn actions(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
) -> Result<Vec<ActionRow>, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    sqlx::query(
        "SELECT x.account_id, a.display_name, x.happened_on, x.description
         FROM impact_actions x JOIN accounts a ON a.id = x.account_id
         WHERE x.recommendation_id = $1 ORDER BY x.happened_on, x.id",
    )
    .bind(recommendation_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(ActionRow {
            account_id: row.try_get("account_id")?,
            display_name: row.try_get("display_name")?,
            happened_on: row.try_get("happened_on")?,
            description: row.try_get("description")?,
        })
    })
    .collect()
}

/// How many advocacy actions were logged in an assembly (a public aggregate).
pub async fn count_actions(conn: &mut AnyConnection, assembly_id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM impact_actions x JOIN recommendations r ON r.id = x.recommendation_id WHERE r.assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_one(conn)
    .await?)
}
