//! The invitations as organisers print them: one letter per invitation ([`letters`]) and the print shop's
//! mail-merge rows ([`mail_merge`]). Both show every household's address, so each read is logged as a view of
//! personal data (ids and counts, in the caller's transaction).

use ::recruitment::codes::parse_code;
use ::recruitment::merge::registration_url;

use crate::audit::viewed;
use crate::{Actor, Error, Result};

/// One invitation with the link its letter prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Invitation {
    /// The id of the address in the uploaded list.
    pub address_ref: String,
    /// The address lines joined by newlines (personal data).
    pub address: String,
    /// The area.
    pub area: String,
    /// The code, printed form.
    pub code: String,
    /// The registration URL with the code.
    pub url: String,
}

impl std::fmt::Debug for Invitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invitation")
            .field("area", &self.area)
            .finish_non_exhaustive()
    }
}

/// The letters of an assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letters {
    /// The assembly's title.
    pub title: String,
    /// The assembly's question.
    pub question: String,
    /// The invitations of the batch asked for, by draw and position.
    pub invitations: Vec<Invitation>,
    /// How many invitations the assembly has in all (issue 18: the page shows one batch at a time).
    pub total: i64,
}

/// Every invitation of the assembly with its registration URL under `base` (`https://host/assemblies/7`).
async fn invitations(tx: &mut store::Tx, assembly_id: i64, base: &str) -> Result<Vec<Invitation>> {
    let rows = store::recruitment::invitations(tx, assembly_id).await?;
    with_urls(rows, base)
}

/// The invitations' registration URLs under `base`.
fn with_urls(rows: Vec<store::recruitment::InvitationRow>, base: &str) -> Result<Vec<Invitation>> {
    rows.into_iter()
        .map(|row| {
            let code = parse_code(&row.code).map_err(Error::internal)?;
            let url = registration_url(base, &code).map_err(Error::internal)?;
            Ok(Invitation {
                address_ref: row.address_ref,
                address: row.address,
                area: row.area,
                code: row.code,
                url,
            })
        })
        .collect()
}

/// The letters of the assembly from the `offset`-th (0-based), at most `limit` of them, logged as a view of the
/// addresses (`invitations.letters`, with the first letter and the count).
pub async fn letters(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    base: &str,
    (offset, limit): (i64, i64),
    now: i64,
) -> Result<Letters> {
    let record = store::assemblies::get_assembly(tx, assembly_id).await?;
    let total = store::recruitment::count_invitations(tx, assembly_id).await?;
    let rows = store::recruitment::invitations_page(tx, assembly_id, offset, limit).await?;
    let invitations = with_urls(rows, base)?;
    let facts = serde_json::json!({
        "assembly_id": assembly_id,
        "first": offset + 1,
        "letters": invitations.len(),
    });
    viewed(
        tx,
        actor,
        "invitations.letters",
        &format!("assembly:{assembly_id}"),
        facts,
        now,
    )
    .await?;
    Ok(Letters {
        title: record.title,
        question: record.question,
        invitations,
        total,
    })
}

/// The rows of the print shop's file, logged as an export of the addresses (`invitations.mail_merge`, with the
/// count).
pub async fn mail_merge(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    base: &str,
    now: i64,
) -> Result<Vec<Invitation>> {
    store::assemblies::get_assembly(tx, assembly_id).await?;
    let invitations = invitations(tx, assembly_id, base).await?;
    let facts = serde_json::json!({ "assembly_id": assembly_id, "rows": invitations.len() });
    viewed(
        tx,
        actor,
        "invitations.mail_merge",
        &format!("assembly:{assembly_id}"),
        facts,
        now,
    )
    .await?;
    Ok(invitations)
}
