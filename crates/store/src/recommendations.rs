//! Recommendations: what an assembly agreed and its authority must answer.
//!
//! This table is the contract between the assembly at work (a passed proposal becomes a recommendation) and
//! impact tracking (responses, implementation, fidelity and the scorecard are attached to a recommendation).
//! Recommendations can also be entered or imported by organisers, for an assembly whose deliberation ran elsewhere.

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// The route a recommendation takes to become policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// A bill in the legislature.
    Law,
    /// A regulation or decree of the executive.
    Regulation,
    /// A referendum.
    Referendum,
    /// Anything else (a budget line, a practice, a local plan...).
    Other,
}

impl Route {
    /// Every route, in the order forms list them.
    pub const ALL: [Route; 4] = [
        Route::Law,
        Route::Regulation,
        Route::Referendum,
        Route::Other,
    ];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Law => "law",
            Route::Regulation => "regulation",
            Route::Referendum => "referendum",
            Route::Other => "other",
        }
    }

    /// Parses a stored identifier.
    pub fn parse(raw: &str) -> Option<Route> {
        Route::ALL
            .into_iter()
            .find(|route| route.as_str() == raw.trim())
    }
}

/// A recommendation to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecommendation {
    /// The public reference, unique in the assembly (e.g. `SN1.1` or `12`).
    pub reference: String,
    /// A short title.
    pub title: String,
    /// The full text as agreed.
    pub body: String,
    /// The theme it belongs to (e.g. "Housing"), for the scorecard's breakdowns.
    pub theme: String,
    /// How it becomes policy.
    pub route: Route,
    /// The share of members supporting it in basis points (0..=10000), when a vote measured it.
    pub support_bp: Option<u16>,
    /// The support in words, with the full distribution (e.g. "agree 61, neutral 9, disagree 3 of 73").
    pub support_text: String,
    /// A minority report attached to it (empty if none).
    pub minority_report: String,
    /// The proposal it came from, when drafted on the platform.
    pub proposal_id: Option<i64>,
}

/// A recommendation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecommendationRow {
    /// The id.
    pub id: i64,
    /// The assembly.
    pub assembly_id: i64,
    /// Everything else, as given.
    pub fields: NewRecommendation,
    /// Its place in the assembly's list (1-based, in order of creation).
    pub position: i64,
    /// When it was recorded (unix seconds).
    pub created_at: i64,
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<RecommendationRow, StoreError> {
    let route: String = row.try_get("route")?;
    let support_bp: Option<i64> = row.try_get("support_bp")?;
    Ok(RecommendationRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        fields: NewRecommendation {
            reference: row.try_get("reference")?,
            title: row.try_get("title")?,
            body: row.try_get("body")?,
            theme: row.try_get("theme")?,
            route: Route::parse(&route)
                .ok_or_else(|| StoreError::Corrupt(format!("route {route:?}")))?,
            support_bp: support_bp
                .map(|bp| {
                    u16::try_from(bp).map_err(|_| StoreError::Corrupt(format!("support {bp}")))
                })
                .transpose()?,
            support_text: row.try_get("support_text")?,
            minority_report: row.try_get("minority_report")?,
            proposal_id: row.try_get("proposal_id")?,
        },
        position: row.try_get("position")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Stores a recommendation at the end of the assembly's list and returns its id.
/// A reference already used in the assembly is a [`StoreError::Conflict`]; an unknown assembly is [`StoreError::NotFound`].
pub async fn create(
    conn: &mut AnyConnection,
    assembly_id: i64,
    new: &NewRecommendation,
    now: i64,
) -> Result<i64, StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    if new.support_bp.is_some_and(|bp| bp > 10_000) {
        return Err(StoreError::Corrupt("support above 100%".to_owned()));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO recommendations (assembly_id, reference, title, body, theme, route, support_bp, support_text,
                                      minority_report, proposal_id, position, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                 (SELECT COALESCE(MAX(position), 0) + 1 FROM recommendations WHERE assembly_id = $1), $11)
         RETURNING id",
    )
    .bind(assembly_id)
    .bind(&new.reference)
    .bind(&new.title)
    .bind(&new.body)
    .bind(&new.theme)
    .bind(new.route.as_str())
    .bind(new.support_bp.map(i64::from))
    .bind(&new.support_text)
    .bind(&new.minority_report)
    .bind(new.proposal_id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The recommendations of an assembly, in order.
pub async fn list(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<RecommendationRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, assembly_id, reference, title, body, theme, route, support_bp, support_text, minority_report,
                proposal_id, position, created_at
         FROM recommendations WHERE assembly_id = $1 ORDER BY position, id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// What a list of recommendations is narrowed to (issue 18, item 5): one theme, and a fragment of the reference or
/// title (any case); empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecommendationFilter {
    /// Only this theme, if not empty.
    pub theme: String,
    /// Only recommendations whose reference or title contains this, if not empty.
    pub search: String,
}

/// One page of the recommendations matching `filter`, in the assembly's order: at most `limit` from the
/// `offset`-th, and how many match in all.
pub async fn list_page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    filter: &RecommendationFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RecommendationRow>, i64), StoreError> {
    let pattern = crate::recruitment::like_pattern(&filter.search);
    let theme = filter.theme.trim();
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM recommendations WHERE assembly_id = $1 AND ($2 = '' OR theme = $2)
           AND ($3 = '%%' OR LOWER(reference) LIKE $3 ESCAPE '\\' OR LOWER(title) LIKE $3 ESCAPE '\\')",
    )
    .bind(assembly_id)
    .bind(theme)
    .bind(&pattern)
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query(
        "SELECT id, assembly_id, reference, title, body, theme, route, support_bp, support_text, minority_report,
                proposal_id, position, created_at
         FROM recommendations WHERE assembly_id = $1 AND ($2 = '' OR theme = $2)
           AND ($3 = '%%' OR LOWER(reference) LIKE $3 ESCAPE '\\' OR LOWER(title) LIKE $3 ESCAPE '\\')
         ORDER BY position, id LIMIT $4 OFFSET $5",
    )
    .bind(assembly_id)
    .bind(theme)
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    Ok((rows.iter().map(from_row).collect::<Result<_, _>>()?, total))
}

/// The themes of an assembly's recommendations, in order (the list's theme filter).
pub async fn themes(conn: &mut AnyConnection, assembly_id: i64) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT theme FROM recommendations WHERE assembly_id = $1 ORDER BY theme",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?)
}

/// One recommendation of an assembly ([`StoreError::NotFound`] if it belongs to another assembly).
pub async fn get(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
) -> Result<RecommendationRow, StoreError> {
    let row = sqlx::query(
        "SELECT id, assembly_id, reference, title, body, theme, route, support_bp, support_text, minority_report,
                proposal_id, position, created_at
         FROM recommendations WHERE assembly_id = $1 AND id = $2",
    )
    .bind(assembly_id)
    .bind(recommendation_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

/// Replaces the minority report of a recommendation (members may attach one after it was agreed).
pub async fn set_minority_report(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    text: &str,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE recommendations SET minority_report = $1 WHERE assembly_id = $2 AND id = $3",
    )
    .bind(text)
    .bind(assembly_id)
    .bind(recommendation_id)
    .execute(conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
