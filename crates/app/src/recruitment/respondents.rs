//! The respondents as organisers see them: the list with its counts ([`respondents`]) and the export of every
//! respondent ([`export_respondents`]). Personal data is for organisers only (`ManageRecruitment`); observers see
//! counts. Every read of personal data is logged as a view, with ids and counts, never the search text (it may be
//! a name).

use std::collections::BTreeMap;

use domain::permission::{Action, allowed};
use domain::respondent::Status;
use store::recruitment::RespondentRow;

use super::import::{ImportColumn, import_columns};
use super::questions::{AccessNeeds, stored_answers, stored_features};
use crate::audit::viewed;
use crate::{Actor, Result};

/// Which respondents to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// A fragment of a name or email (empty: everyone).
    pub search: String,
    /// Only this status, if given.
    pub status: Option<Status>,
    /// The page, from 0 (a page past the last shows the last).
    pub page: i64,
}

/// Respondents per page of the organisers' list: a row with its status form weighs about 1.4 kB (a page of 50 is
/// about 75 kB), so even with long access needs a page stays under the 200 kB a list page may weigh, at any number
/// of respondents.
pub const PAGE_SIZE: i64 = 50;

/// A respondent with their stored answers and needs decoded (personal data: organisers only).
#[derive(Clone, PartialEq, Eq)]
pub struct Respondent {
    /// The id.
    pub id: i64,
    /// The status.
    pub status: Status,
    /// The full name (empty once erased).
    pub full_name: String,
    /// The email (empty once erased).
    pub email: String,
    /// The phone, or empty.
    pub phone: String,
    /// The answers by feature name.
    pub answers: BTreeMap<String, String>,
    /// The access needs.
    pub access: AccessNeeds,
    /// When they registered (unix seconds).
    pub registered_at: i64,
}

impl std::fmt::Debug for Respondent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Respondent")
            .field("id", &self.id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl Respondent {
    /// Decodes a stored row; stored JSON that does not decode is an error.
    fn of(row: RespondentRow) -> Result<Respondent> {
        Ok(Respondent {
            answers: stored_answers(&row.features_json)?,
            access: AccessNeeds::from_json(&row.access_needs_json)?,
            id: row.id,
            status: row.status,
            full_name: row.full_name,
            email: row.email,
            phone: row.phone,
            registered_at: row.created_at,
        })
    }
}

/// The respondents page of an assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Respondents {
    /// The assembly's title.
    pub title: String,
    /// Whether the actor may see personal data (and so `respondents` is filled).
    pub personal: bool,
    /// Respondents by status (the statuses that have any).
    pub counts: Vec<(Status, i64)>,
    /// Invitations drawn.
    pub invitations: i64,
    /// Seats taken with them.
    pub seats_used: i64,
    /// The feature columns an import must have.
    pub import_columns: Vec<ImportColumn>,
    /// The respondents of the page asked for among those matching the filter (organisers only).
    pub respondents: Vec<Respondent>,
    /// How many respondents match the filter (organisers only; 0 for observers).
    pub matching: i64,
    /// The page shown, from 0 (the last one when the filter asked for a page past it).
    pub page: i64,
}

/// The respondents page: counts for everyone allowed here; for organisers also the respondents matching `filter`,
/// a read logged as `respondents.view` (ids, count, status filter, whether a search was made).
pub async fn respondents(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    filter: &Filter,
    now: i64,
) -> Result<Respondents> {
    read(tx, actor, assembly_id, filter, None, now).await
}

/// The same read as [`respondents`] for scripts (the API): `limit` respondents after the first `offset` matching
/// ones instead of a page of [`PAGE_SIZE`] (`filter.page` is ignored; past the end is an empty list).
pub async fn respondents_slice(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    filter: &Filter,
    (limit, offset): (i64, i64),
    now: i64,
) -> Result<Respondents> {
    read(tx, actor, assembly_id, filter, Some((limit, offset)), now).await
}

async fn read(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    filter: &Filter,
    slice: Option<(i64, i64)>,
    now: i64,
) -> Result<Respondents> {
    let personal = allowed(actor.role, Action::ManageRecruitment);
    let record = store::assemblies::get_assembly(tx, assembly_id).await?;
    let counts = store::recruitment::respondent_status_counts(tx, assembly_id).await?;
    let (invitations, seats_used) = store::recruitment::invitation_totals(tx, assembly_id).await?;
    let import_columns = import_columns(&stored_features(tx, assembly_id).await?);
    let mut respondents = Vec::new();
    let mut matching = 0;
    let mut page = filter.page.max(0);
    if personal {
        let (limit, offset) = slice.unwrap_or((PAGE_SIZE, page.saturating_mul(PAGE_SIZE)));
        let (mut rows, mut total) = store::recruitment::respondents_page(
            tx,
            assembly_id,
            &filter.search,
            filter.status,
            limit,
            offset,
        )
        .await?;
        let last = (total - 1).max(0) / PAGE_SIZE;
        if slice.is_none() && page > last {
            // A page past the end (the list shrank, or a typed URL) shows the last page, never an empty one.
            page = last;
            (rows, total) = store::recruitment::respondents_page(
                tx,
                assembly_id,
                &filter.search,
                filter.status,
                PAGE_SIZE,
                page * PAGE_SIZE,
            )
            .await?;
        }
        matching = total;
        let facts = serde_json::json!({
            "assembly_id": assembly_id,
            "shown": rows.len(),
            "page": page,
            "status": filter.status.map(Status::as_str),
            "searched": !filter.search.trim().is_empty(),
            "respondent_ids": rows.iter().map(|row| row.id).collect::<Vec<_>>(),
        });
        let entity = format!("assembly:{assembly_id}");
        viewed(tx, actor, "respondents.view", &entity, facts, now).await?;
        respondents = rows
            .into_iter()
            .map(Respondent::of)
            .collect::<Result<_>>()?;
    }
    Ok(Respondents {
        title: record.title,
        personal,
        counts,
        invitations,
        seats_used,
        import_columns,
        respondents,
        matching,
        page,
    })
}

/// Every respondent of the assembly, oldest first, for the organisers' export; logged as `respondents.export`
/// (ids and count). Erased respondents keep their id, status and anonymous answers, with blank personal data.
pub async fn export_respondents(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    now: i64,
) -> Result<Vec<Respondent>> {
    store::assemblies::get_assembly(tx, assembly_id).await?;
    let rows = store::recruitment::respondents(tx, assembly_id, "", None).await?;
    let facts = serde_json::json!({
        "assembly_id": assembly_id,
        "exported": rows.len(),
        "respondent_ids": rows.iter().map(|row| row.id).collect::<Vec<_>>(),
    });
    let entity = format!("assembly:{assembly_id}");
    viewed(tx, actor, "respondents.export", &entity, facts, now).await?;
    rows.into_iter().map(Respondent::of).collect()
}
