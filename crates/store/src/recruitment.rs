//! Recruitment: invitation draws and their invitations (with the household's address, personal data),
//! respondents registered through the public form, the server's named secrets and per-key rate limits.
//!
//! A household may register up to `capacity` people: [`claim_invitation`] takes one seat with a conditional
//! `UPDATE … WHERE used < capacity`, so two concurrent registrations on the last seat cannot both win.

use domain::respondent::{ReasonCategory, Status};
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A draw to store, before its invitations.
#[derive(Debug, Clone)]
pub struct NewDraw<'a> {
    /// The assembly.
    pub assembly_id: i64,
    /// The published seed.
    pub seed: &'a str,
    /// The number of invitations drawn.
    pub invitations: i64,
    /// The area weights as given (`area=weight` lines), empty for proportional.
    pub weights: &'a str,
    /// The digest of the address list (the commitment).
    pub list_digest: &'a str,
    /// The number of addresses in the list.
    pub addresses: i64,
    /// How many people of one household may register.
    pub household_capacity: i64,
    /// The per-area report (no address), as JSON.
    pub area_report_json: &'a str,
    /// Who ran the draw.
    pub created_by: Option<i64>,
}

/// One invitation to store.
#[derive(Clone)]
pub struct NewInvitation<'a> {
    /// The code in its printed form (`K7QM-3XPD-9A`).
    pub code: &'a str,
    /// The area.
    pub area: &'a str,
    /// The id of the address in the uploaded list.
    pub address_ref: &'a str,
    /// The address lines joined by newlines (personal data).
    pub address: &'a str,
}

impl std::fmt::Debug for NewInvitation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewInvitation")
            .field("area", &self.area)
            .field("address_ref", &self.address_ref)
            .finish_non_exhaustive()
    }
}

/// A stored draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawRow {
    /// The id.
    pub id: i64,
    /// The seed.
    pub seed: String,
    /// The number of invitations.
    pub invitations: i64,
    /// The weights as given.
    pub weights: String,
    /// The list digest.
    pub list_digest: String,
    /// The number of addresses in the list.
    pub addresses: i64,
    /// The household capacity.
    pub household_capacity: i64,
    /// The per-area report, JSON.
    pub area_report_json: String,
    /// When (unix seconds).
    pub created_at: i64,
}

/// A stored invitation (with the address: show it to organisers only).
#[derive(Clone, PartialEq, Eq)]
pub struct InvitationRow {
    /// The id.
    pub id: i64,
    /// The draw.
    pub draw_id: i64,
    /// The code, printed form.
    pub code: String,
    /// The area.
    pub area: String,
    /// The id in the uploaded list.
    pub address_ref: String,
    /// The address lines joined by newlines.
    pub address: String,
    /// Seats of the household.
    pub capacity: i64,
    /// Seats taken.
    pub used: i64,
}

impl std::fmt::Debug for InvitationRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvitationRow")
            .field("id", &self.id)
            .field("draw_id", &self.draw_id)
            .field("area", &self.area)
            .field("capacity", &self.capacity)
            .field("used", &self.used)
            .finish_non_exhaustive()
    }
}

/// Why an invitation code could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimRefusal {
    /// No invitation of this assembly has this code.
    Unknown,
    /// Every seat of the household is taken.
    Exhausted,
}

/// A respondent to store.
#[derive(Clone)]
pub struct NewRespondent<'a> {
    /// The assembly.
    pub assembly_id: i64,
    /// The invitation used, if any.
    pub invitation_id: Option<i64>,
    /// The full name.
    pub full_name: &'a str,
    /// The email address.
    pub email: &'a str,
    /// The phone number, or empty.
    pub phone: &'a str,
    /// The answers to the feature questions, as a JSON object.
    pub features_json: &'a str,
    /// The access needs, as a JSON object.
    pub access_needs_json: &'a str,
    /// When consent was given (unix seconds).
    pub consent_at: i64,
}

impl std::fmt::Debug for NewRespondent<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewRespondent")
            .field("assembly_id", &self.assembly_id)
            .field("invitation_id", &self.invitation_id)
            .finish_non_exhaustive()
    }
}

/// A stored respondent (personal data: organisers only).
#[derive(Clone, PartialEq, Eq)]
pub struct RespondentRow {
    /// The id.
    pub id: i64,
    /// The invitation used, if any.
    pub invitation_id: Option<i64>,
    /// The status.
    pub status: Status,
    /// The full name.
    pub full_name: String,
    /// The email.
    pub email: String,
    /// The phone, or empty.
    pub phone: String,
    /// The answers, JSON.
    pub features_json: String,
    /// The access needs, JSON.
    pub access_needs_json: String,
    /// When registered (unix seconds).
    pub created_at: i64,
}

impl std::fmt::Debug for RespondentRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RespondentRow")
            .field("id", &self.id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// Stores a draw and its invitations (each with `capacity` seats); returns the draw id.
pub async fn create_draw(
    conn: &mut AnyConnection,
    draw: &NewDraw<'_>,
    invitations: &[NewInvitation<'_>],
    now: i64,
) -> Result<i64, StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, draw.assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    let draw_id: i64 = sqlx::query_scalar(
        "INSERT INTO invitation_draws (assembly_id, seed, invitations, weights, list_digest, addresses, household_capacity, area_report_json, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(draw.assembly_id)
    .bind(draw.seed)
    .bind(draw.invitations)
    .bind(draw.weights)
    .bind(draw.list_digest)
    .bind(draw.addresses)
    .bind(draw.household_capacity)
    .bind(draw.area_report_json)
    .bind(now)
    .bind(draw.created_by)
    .fetch_one(&mut *conn)
    .await?;
    for (position, invitation) in invitations.iter().enumerate() {
        sqlx::query(
            "INSERT INTO invitations (assembly_id, draw_id, position, code, area, address_ref, address, capacity, used)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)",
        )
        .bind(draw.assembly_id)
        .bind(draw_id)
        .bind(position as i64)
        .bind(invitation.code)
        .bind(invitation.area)
        .bind(invitation.address_ref)
        .bind(invitation.address)
        .bind(draw.household_capacity)
        .execute(&mut *conn)
        .await?;
    }
    Ok(draw_id)
}

/// The draws of an assembly, newest first.
pub async fn draws(conn: &mut AnyConnection, assembly_id: i64) -> Result<Vec<DrawRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, seed, invitations, weights, list_digest, addresses, household_capacity, area_report_json, created_at
         FROM invitation_draws WHERE assembly_id = $1 ORDER BY id DESC",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DrawRow {
                id: row.try_get("id")?,
                seed: row.try_get("seed")?,
                invitations: row.try_get("invitations")?,
                weights: row.try_get("weights")?,
                list_digest: row.try_get("list_digest")?,
                addresses: row.try_get("addresses")?,
                household_capacity: row.try_get("household_capacity")?,
                area_report_json: row.try_get("area_report_json")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Every invitation of an assembly, by draw and position.
pub async fn invitations(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<InvitationRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, draw_id, code, area, address_ref, address, capacity, used FROM invitations
         WHERE assembly_id = $1 ORDER BY draw_id, position",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(InvitationRow {
                id: row.try_get("id")?,
                draw_id: row.try_get("draw_id")?,
                code: row.try_get("code")?,
                area: row.try_get("area")?,
                address_ref: row.try_get("address_ref")?,
                address: row.try_get("address")?,
                capacity: row.try_get("capacity")?,
                used: row.try_get("used")?,
            })
        })
        .collect()
}

/// How many invitations the assembly has (issue 18: letters by batch).
pub async fn count_invitations(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE assembly_id = $1")
            .bind(assembly_id)
            .fetch_one(conn)
            .await?,
    )
}

/// At most `limit` invitations from the `offset`-th (0-based), in the order of [`invitations`] (issue 18: letters
/// by batch; a later draw adds its invitations after the earlier ones, so a batch's letters never move).
pub async fn invitations_page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<InvitationRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, draw_id, code, area, address_ref, address, capacity, used FROM invitations
         WHERE assembly_id = $1 ORDER BY draw_id, position LIMIT $2 OFFSET $3",
    )
    .bind(assembly_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(InvitationRow {
                id: row.try_get("id")?,
                draw_id: row.try_get("draw_id")?,
                code: row.try_get("code")?,
                area: row.try_get("area")?,
                address_ref: row.try_get("address_ref")?,
                address: row.try_get("address")?,
                capacity: row.try_get("capacity")?,
                used: row.try_get("used")?,
            })
        })
        .collect()
}

/// Takes one seat of the invitation with `code` in assembly `assembly_id`; returns the invitation's id and area.
/// The seat is taken by a conditional update, so it is never over-used even under concurrency.
pub async fn claim_invitation(
    conn: &mut AnyConnection,
    assembly_id: i64,
    code: &str,
) -> Result<Result<(i64, String), ClaimRefusal>, StoreError> {
    let row = sqlx::query("SELECT id, area FROM invitations WHERE assembly_id = $1 AND code = $2")
        .bind(assembly_id)
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(Err(ClaimRefusal::Unknown));
    };
    let id: i64 = row.try_get("id")?;
    let area: String = row.try_get("area")?;
    let result =
        sqlx::query("UPDATE invitations SET used = used + 1 WHERE id = $1 AND used < capacity")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    if result.rows_affected() == 1 {
        Ok(Ok((id, area)))
    } else {
        Ok(Err(ClaimRefusal::Exhausted))
    }
}

/// Stores a respondent with status `registered`; returns the id.
pub async fn add_respondent(
    conn: &mut AnyConnection,
    respondent: &NewRespondent<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO respondents (assembly_id, invitation_id, status, full_name, email, phone, features_json, access_needs_json, consent_at, created_at)
         VALUES ($1, $2, 'registered', $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(respondent.assembly_id)
    .bind(respondent.invitation_id)
    .bind(respondent.full_name)
    .bind(respondent.email)
    .bind(respondent.phone)
    .bind(respondent.features_json)
    .bind(respondent.access_needs_json)
    .bind(respondent.consent_at)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The number of respondents of an assembly (for public pages: a count, never names).
pub async fn respondent_count(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM respondents WHERE assembly_id = $1")
            .bind(assembly_id)
            .fetch_one(conn)
            .await?,
    )
}

/// The number of respondents of an assembly in each status that has any, by stored status name.
pub async fn respondent_status_counts(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<(Status, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n FROM respondents WHERE assembly_id = $1 GROUP BY status ORDER BY status",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((stored_status(row.try_get("status")?)?, row.try_get("n")?)))
        .collect()
}

/// The number of invitations of an assembly and the number of seats taken with them.
pub async fn invitation_totals(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<(i64, i64), StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(used), 0) AS BIGINT) AS used FROM invitations WHERE assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_one(conn)
    .await?;
    Ok((row.try_get("n")?, row.try_get("used")?))
}

/// Respondents of an assembly whose name or email contains `search` (case-insensitive; empty matches all)
/// and whose status is `status` (if given), oldest first.
pub async fn respondents(
    conn: &mut AnyConnection,
    assembly_id: i64,
    search: &str,
    status: Option<Status>,
) -> Result<Vec<RespondentRow>, StoreError> {
    let pattern = format!(
        "%{}%",
        search
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows = sqlx::query(
        "SELECT id, invitation_id, status, full_name, email, phone, features_json, access_needs_json, created_at
         FROM respondents WHERE assembly_id = $1
           AND (LOWER(full_name) LIKE $2 ESCAPE '\\' OR LOWER(email) LIKE $2 ESCAPE '\\')
           AND ($3 = '' OR status = $3)
         ORDER BY id",
    )
    .bind(assembly_id)
    .bind(pattern)
    .bind(status.map(Status::as_str).unwrap_or(""))
    .fetch_all(conn)
    .await?;
    rows.iter().map(respondent_of).collect()
}

/// Rows per multi-row `INSERT` of [`add_respondents`] (nine values a row stays far under both backends' parameter
/// limits).
const RESPONDENTS_CHUNK: usize = 500;

/// Stores many respondents with status `registered`, many rows per statement (imports and seeding at scale); the
/// ids are the new rows' ids in `respondents`' order.
pub async fn add_respondents(
    conn: &mut AnyConnection,
    respondents: &[NewRespondent<'_>],
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(respondents.len());
    for chunk in respondents.chunks(RESPONDENTS_CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let at = 2 + 8 * i;
                format!(
                    "(${}, ${}, 'registered', ${}, ${}, ${}, ${}, ${}, ${}, $1)",
                    at,
                    at + 1,
                    at + 2,
                    at + 3,
                    at + 4,
                    at + 5,
                    at + 6,
                    at + 7
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO respondents (assembly_id, invitation_id, status, full_name, email, phone, features_json, access_needs_json, consent_at, created_at)
             VALUES {} RETURNING id",
            values.join(", ")
        );
        let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(now);
        for respondent in chunk {
            query = query
                .bind(respondent.assembly_id)
                .bind(respondent.invitation_id)
                .bind(respondent.full_name)
                .bind(respondent.email)
                .bind(respondent.phone)
                .bind(respondent.features_json)
                .bind(respondent.access_needs_json)
                .bind(respondent.consent_at);
        }
        let mut chunk_ids: Vec<i64> = query.fetch_all(&mut *conn).await?;
        // Both backends return the rows of one VALUES list in order; sorting makes it not matter.
        chunk_ids.sort_unstable();
        ids.extend(chunk_ids);
    }
    Ok(ids)
}

/// One page of the respondents matching `search` (a fragment of a name or email, any case) and `status`, in id
/// order: at most `limit` from the `offset`-th, and how many match in all.
pub async fn respondents_page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    search: &str,
    status: Option<Status>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RespondentRow>, i64), StoreError> {
    let pattern = like_pattern(search);
    let status = status.map(Status::as_str).unwrap_or("");
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM respondents WHERE assembly_id = $1
           AND ($2 = '%%' OR LOWER(full_name) LIKE $2 ESCAPE '\\' OR LOWER(email) LIKE $2 ESCAPE '\\')
           AND ($3 = '' OR status = $3)",
    )
    .bind(assembly_id)
    .bind(&pattern)
    .bind(status)
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query(
        "SELECT id, invitation_id, status, full_name, email, phone, features_json, access_needs_json, created_at
         FROM respondents WHERE assembly_id = $1
           AND ($2 = '%%' OR LOWER(full_name) LIKE $2 ESCAPE '\\' OR LOWER(email) LIKE $2 ESCAPE '\\')
           AND ($3 = '' OR status = $3)
         ORDER BY id LIMIT $4 OFFSET $5",
    )
    .bind(assembly_id)
    .bind(&pattern)
    .bind(status)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    Ok((
        rows.iter().map(respondent_of).collect::<Result<_, _>>()?,
        total,
    ))
}

/// The `LIKE` pattern of a search fragment: lower case, its wildcards escaped, inside `%…%`.
pub(crate) fn like_pattern(search: &str) -> String {
    format!(
        "%{}%",
        search
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// The secret called `name`, created from `fresh` on first use (every server instance then reads the same one).
pub async fn server_secret(
    conn: &mut AnyConnection,
    name: &str,
    fresh: &str,
) -> Result<String, StoreError> {
    sqlx::query(
        "INSERT INTO server_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(fresh)
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT secret FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(conn)
            .await?,
    )
}

/// Counts one hit for `key_hash` in a fixed window of `window_seconds`; returns whether it is within `max_hits`.
pub async fn rate_limit_hit(
    conn: &mut AnyConnection,
    key_hash: &str,
    now: i64,
    window_seconds: i64,
    max_hits: i64,
) -> Result<bool, StoreError> {
    Ok(count_hit(conn, key_hash, now, window_seconds).await?.hits <= max_hits)
}

/// A rate-limit counter after one more hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HitCount {
    /// The hits in the current window, this one included.
    pub hits: i64,
    /// When the current window started (unix seconds).
    pub window_started_at: i64,
}

/// Counts one hit for `key_hash` in a fixed window of `window_seconds` (a new window starts when the old one is
/// over), in one atomic upsert, so that simultaneous requests from several server instances all count.
pub async fn count_hit(
    conn: &mut AnyConnection,
    key_hash: &str,
    now: i64,
    window_seconds: i64,
) -> Result<HitCount, StoreError> {
    let row = sqlx::query(
        "INSERT INTO rate_limits (key_hash, hits, window_started_at) VALUES ($1, 1, $2)
         ON CONFLICT (key_hash) DO UPDATE SET
           hits = CASE WHEN $2 - rate_limits.window_started_at >= $3 THEN 1
                       ELSE rate_limits.hits + 1 END,
           window_started_at = CASE WHEN $2 - rate_limits.window_started_at >= $3 THEN $2
                                    ELSE rate_limits.window_started_at END
         RETURNING hits, window_started_at",
    )
    .bind(key_hash)
    .bind(now)
    .bind(window_seconds)
    .fetch_one(conn)
    .await?;
    Ok(HitCount {
        hits: row.try_get("hits")?,
        window_started_at: row.try_get("window_started_at")?,
    })
}

/// Records that the registration form token with this hash was used, valid until `expires_at`, and forgets the
/// used tokens that have expired by `now` (they are refused by their time anyway). Returns `false`, writing
/// nothing, when the token was used before: call it in the registration's transaction, so that a refused
/// registration does not spend it, and two simultaneous uses cannot both succeed (the second waits on the first's
/// row and then finds it).
pub async fn spend_form_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    expires_at: i64,
    now: i64,
) -> Result<bool, StoreError> {
    sqlx::query("DELETE FROM used_form_tokens WHERE expires_at < $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let spent = sqlx::query(
        "INSERT INTO used_form_tokens (token_hash, expires_at) VALUES ($1, $2)
         ON CONFLICT (token_hash) DO NOTHING",
    )
    .bind(token_hash)
    .bind(expires_at)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(spent == 1)
}

/// A stored respondent status; an unknown one is [`StoreError::Corrupt`], never a default.
fn stored_status(raw: String) -> Result<Status, StoreError> {
    Status::from_stored(&raw)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown respondent status {raw:?}")))
}

fn respondent_of(row: &sqlx::any::AnyRow) -> Result<RespondentRow, StoreError> {
    Ok(RespondentRow {
        id: row.try_get("id")?,
        invitation_id: row.try_get("invitation_id")?,
        status: stored_status(row.try_get("status")?)?,
        full_name: row.try_get("full_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        features_json: row.try_get("features_json")?,
        access_needs_json: row.try_get("access_needs_json")?,
        created_at: row.try_get("created_at")?,
    })
}

/// One respondent of an assembly ([`StoreError::NotFound`] if there is none with this id in this assembly).
pub async fn respondent(
    conn: &mut AnyConnection,
    assembly_id: i64,
    respondent_id: i64,
) -> Result<RespondentRow, StoreError> {
    let row = sqlx::query(
        "SELECT id, invitation_id, status, full_name, email, phone, features_json, access_needs_json, created_at
         FROM respondents WHERE assembly_id = $1 AND id = $2",
    )
    .bind(assembly_id)
    .bind(respondent_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    respondent_of(&row)
}

/// Moves a respondent from `from` to `to` if it is still in `from` (a conditional update, so two organisers
/// acting at once cannot both win); returns whether it moved. The caller checks the change with
/// [`domain::respondent::transition`] first.
///
/// Moving to `erased` blanks the personal data (name, email, phone, access needs, the link to the household's
/// invitation and so its address) and keeps the row and its anonymous feature values for the statistics.
pub async fn set_respondent_status(
    conn: &mut AnyConnection,
    assembly_id: i64,
    respondent_id: i64,
    from: Status,
    to: Status,
) -> Result<bool, StoreError> {
    let sql = if to == Status::Erased {
        "UPDATE respondents SET status = $4, full_name = '', email = '', phone = '', access_needs_json = '{}',
                invitation_id = NULL
         WHERE assembly_id = $1 AND id = $2 AND status = $3"
    } else {
        "UPDATE respondents SET status = $4 WHERE assembly_id = $1 AND id = $2 AND status = $3"
    };
    let result = sqlx::query(sql)
        .bind(assembly_id)
        .bind(respondent_id)
        .bind(from.as_str())
        .bind(to.as_str())
        .execute(&mut *conn)
        .await?;
    if result.rows_affected() != 1 {
        return Ok(false);
    }
    if to == Status::Erased {
        // The notes of earlier changes may name the person: they go with the rest of the personal data.
        sqlx::query("DELETE FROM respondent_notes WHERE respondent_id = $1")
            .bind(respondent_id)
            .execute(conn)
            .await?;
    }
    Ok(true)
}

/// The note of a status change, kept with the person (never in the audit log) and deleted when they are erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusNote<'a> {
    /// When (unix seconds).
    pub at: i64,
    /// The status before.
    pub from: Status,
    /// The status after.
    pub to: Status,
    /// The reason's category, from the fixed list.
    pub category: ReasonCategory,
    /// The note in words.
    pub note: &'a str,
}

/// Stores the note of a status change of `respondent_id`.
pub async fn add_status_note(
    conn: &mut AnyConnection,
    respondent_id: i64,
    note: &StatusNote<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO respondent_notes (respondent_id, at, from_status, to_status, category, note)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(respondent_id)
    .bind(note.at)
    .bind(note.from.as_str())
    .bind(note.to.as_str())
    .bind(note.category.as_str())
    .bind(note.note)
    .execute(conn)
    .await?;
    Ok(())
}

/// The notes of a respondent's status changes, oldest first: (when, from, to, category, note).
pub async fn status_notes(
    conn: &mut AnyConnection,
    respondent_id: i64,
) -> Result<Vec<(i64, String, String, String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT at, from_status, to_status, category, note FROM respondent_notes
         WHERE respondent_id = $1 ORDER BY id",
    )
    .bind(respondent_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("at")?,
                row.try_get("from_status")?,
                row.try_get("to_status")?,
                row.try_get("category")?,
                row.try_get("note")?,
            ))
        })
        .collect()
}
