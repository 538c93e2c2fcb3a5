//! Community assemblies (issue 16, item 2): organisers open an assembly's community phase ([`save_phase`]);
//! anyone registers as a host ([`register_host`]) and receives a key by email, which they exchange once per device
//! for a host session ([`use_key`]); a host sends the outcomes of the assembly they held ([`submit_outcome`],
//! [`edit_outcome`]) or withdraws with everything they sent ([`withdraw`]); organisers accept or reject outcomes in
//! bulk ([`moderate`]), and the accepted ones are counted in one evidence item of the assembly ([`EVIDENCE_URL`]).
//! [`participation`] counts how many took part in each way for the assembly's public page.
//!
//! A host's email is read only to address the key's email; the audit log names ids and counts, never text.

use domain::community::{NewHost, NewOutcome, OutcomeStatus};
use domain::error::{Problem, ValidationError};
use store::AnyConnection;
use store::community::{AreaTotals, HostRow, OutcomeRow, Settings};

use crate::audit::{Entry, audited, audited_creation};
use crate::effect::{Effect, Effects, Mail};
use crate::recruitment::questions::{Feature, area_feature, stored_features};
use crate::{Actor, Done, Error, Result};

/// Host registrations accepted from one client address per [`RATE_WINDOW_SECONDS`].
pub const RATE_MAX_HITS: i64 = 10;
/// The rate-limit window.
pub const RATE_WINDOW_SECONDS: i64 = 3600;
/// The longest facilitation guide.
pub const MAX_GUIDE_CHARS: usize = 20_000;
/// Outcomes per page of the public list and the moderation queue.
pub const PAGE_SIZE: i64 = 50;
/// Where the public list of accepted outcomes lives (`{id}` is the assembly), linked from the evidence item.
pub const EVIDENCE_URL: &str = "/assemblies/{id}/community";

/// The community phase of an assembly ([`Error::NotFound`] for no such assembly).
pub async fn phase(conn: &mut AnyConnection, assembly_id: i64) -> Result<Settings> {
    store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    Ok(store::community::settings(conn, assembly_id).await?)
}

/// The area values of the assembly (empty when it has no area feature).
pub async fn areas(conn: &mut AnyConnection, assembly_id: i64) -> Result<Vec<String>> {
    let area = area_feature(&mut *conn, assembly_id).await?;
    Ok(stored_features(conn, assembly_id)
        .await?
        .into_iter()
        .find(|feature| feature.name == area)
        .map(|feature| feature.values)
        .unwrap_or_default())
}

/// The features a host may count participants by in the anonymous summary (every feature but the area).
pub async fn summary_features(conn: &mut AnyConnection, assembly_id: i64) -> Result<Vec<Feature>> {
    let area = area_feature(&mut *conn, assembly_id).await?;
    Ok(stored_features(conn, assembly_id)
        .await?
        .into_iter()
        .filter(|feature| feature.name != area)
        .collect())
}

/// Opens or closes the community phase of an assembly and saves its facilitation guide (audited
/// `community.phase`). A guide longer than [`MAX_GUIDE_CHARS`] is [`Error::Invalid`] naming `guide`.
pub async fn save_phase(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    is_open: bool,
    guide: &str,
    now: i64,
) -> Result<()> {
    let guide = guide.replace("\r\n", "\n");
    let guide = guide.trim();
    if guide.chars().count() > MAX_GUIDE_CHARS {
        return Err(ValidationError::new(
            "guide",
            Problem::TooLong {
                max: MAX_GUIDE_CHARS,
            },
        )
        .into());
    }
    let entity = format!("assembly:{assembly_id}");
    audited(tx, actor, "community.phase", &entity, now, async |tx| {
        let before = store::community::settings(tx, assembly_id).await?;
        store::community::save_settings(tx, assembly_id, is_open, guide, now).await?;
        Ok((
            (),
            Entry::change(
                serde_json::json!({ "open": before.is_open }),
                serde_json::json!({ "open": is_open, "guide_chars": guide.chars().count() }),
            ),
        ))
    })
    .await?;
    tracing::info!(assembly_id, is_open, "community phase saved");
    Ok(())
}

/// What became of a host's registration.
#[derive(Clone, PartialEq, Eq)]
pub enum HostRegistration {
    /// Stored; the key goes to the host by email (and, without a relay, is shown once by the caller).
    Registered {
        /// The host.
        host_id: i64,
        /// The host's key (secret: never logged; only its hash is stored).
        key: String,
    },
    /// Too many registrations from this client address: nothing stored but the rate-limit hit.
    TooMany,
}

impl std::fmt::Debug for HostRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostRegistration::Registered { host_id, .. } => f
                .debug_struct("Registered")
                .field("host_id", host_id)
                .finish_non_exhaustive(),
            HostRegistration::TooMany => f.write_str("TooMany"),
        }
    }
}

/// The hash under which a host key or a host session token is stored.
pub fn secret_hash(secret: &str) -> String {
    store::sha256_hex(format!("community:{}", secret.trim()).as_bytes())
}

/// Registers `host` for assembly `assembly_id` (audited `community.host_register`, ids only) and sends them their
/// key in `lang`. The community phase must be open ([`Error::Conflict`] otherwise). One hit of the per-address
/// rate limit is counted first; over the limit the value is [`HostRegistration::TooMany`] and the caller commits
/// the hit all the same.
pub async fn register_host(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    host: &NewHost,
    client: Option<std::net::IpAddr>,
    lang: &str,
    now: i64,
) -> Result<Done<HostRegistration>> {
    let record = store::assemblies::get_assembly(tx, assembly_id).await?;
    if !store::community::settings(tx, assembly_id).await?.is_open {
        return Err(Error::conflict(
            "the community phase of this assembly is closed",
        ));
    }
    let client = client
        .map(|address| address.to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    let rate_key = store::sha256_hex(format!("community-host:{client}").as_bytes());
    let within =
        store::recruitment::rate_limit_hit(tx, &rate_key, now, RATE_WINDOW_SECONDS, RATE_MAX_HITS)
            .await?;
    if !within {
        tracing::info!(assembly_id, "host registration rate limit reached");
        return Ok(Done::pure(HostRegistration::TooMany));
    }
    let key = hex::encode(crate::random::bytes::<16>()?);
    let key_hash = secret_hash(&key);
    let host_id = audited_creation(tx, actor, "community.host_register", now, async |tx| {
        let id = store::community::add_host(tx, assembly_id, host, &key_hash, now).await?;
        let after = serde_json::json!({
            "id": id,
            "assembly_id": assembly_id,
            "kind": host.kind.as_str(),
        });
        Ok((id, format!("community_host:{id}"), Entry::after(after)))
    })
    .await?;
    tracing::info!(assembly_id, host_id, "community host registered");
    let mut effects = Effects::new();
    effects.push(Effect::Mail(Mail::HostKey {
        to: host.email.as_str().to_owned(),
        lang: lang.to_owned(),
        host_id,
        assembly_id,
        name: host.name.clone(),
        key: key.clone(),
        title: record.title,
    }));
    Ok(Done::with(
        HostRegistration::Registered { host_id, key },
        effects,
    ))
}

/// Exchanges a host's key for a device session whose token hashes to `session_hash` (the previous device's
/// session ends) and marks the host's email verified (audited `community.host_session`). An unknown key is
/// [`Error::Invalid`] naming `key`.
pub async fn use_key(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    key: &str,
    session_hash: &str,
    now: i64,
) -> Result<HostRow> {
    let key = key.trim();
    if key.is_empty() {
        return Err(ValidationError::new("key", Problem::Required).into());
    }
    let host = store::community::host_by_key(tx, assembly_id, &secret_hash(key))
        .await?
        .ok_or_else(|| ValidationError::new("key", Problem::Malformed))?;
    let entity = format!("community_host:{}", host.id);
    audited(
        tx,
        actor,
        "community.host_session",
        &entity,
        now,
        async |tx| {
            store::community::start_host_session(tx, host.id, session_hash, now).await?;
            Ok((
                (),
                Entry::change(
                    serde_json::json!({ "verified": host.verified }),
                    serde_json::json!({ "verified": true }),
                ),
            ))
        },
    )
    .await?;
    tracing::info!(assembly_id, host_id = host.id, "community host signed in");
    Ok(HostRow {
        verified: true,
        ..host
    })
}

/// The host of this device for assembly `assembly_id`, from their session token, if any.
pub async fn host_of_session(
    conn: &mut AnyConnection,
    assembly_id: i64,
    session_token: &str,
) -> Result<Option<HostRow>> {
    Ok(store::community::host_by_session(conn, assembly_id, &secret_hash(session_token)).await?)
}

/// The outcomes a host sent, newest first.
pub async fn outcomes_of(conn: &mut AnyConnection, host: &HostRow) -> Result<Vec<OutcomeRow>> {
    Ok(store::community::outcomes_of_host(conn, host.id).await?)
}

fn demographics_json(outcome: &NewOutcome) -> String {
    serde_json::Value::Array(
        outcome
            .demographics
            .iter()
            .map(|(feature, value, count)| serde_json::json!([feature, value, count]))
            .collect(),
    )
    .to_string()
}

async fn require_open(conn: &mut AnyConnection, host: &HostRow) -> Result<()> {
    if !host.verified {
        return Err(Error::Forbidden);
    }
    if !store::community::settings(conn, host.assembly_id)
        .await?
        .is_open
    {
        return Err(Error::conflict(
            "the community phase of this assembly is closed",
        ));
    }
    Ok(())
}

/// Stores the outcomes of a community assembly held by `host`, pending moderation (audited
/// `community.outcome_submit`, with the number of participants only). The phase must be open.
pub async fn submit_outcome(
    tx: &mut store::Tx,
    actor: &Actor,
    host: &HostRow,
    outcome: &NewOutcome,
    now: i64,
) -> Result<i64> {
    require_open(tx, host).await?;
    let json = demographics_json(outcome);
    let outcome_id = audited_creation(tx, actor, "community.outcome_submit", now, async |tx| {
        let id = store::community::add_outcome(tx, host.assembly_id, host.id, outcome, &json, now)
            .await?;
        let after = serde_json::json!({
            "id": id,
            "host_id": host.id,
            "participants": outcome.participants,
            "status": OutcomeStatus::Pending.as_str(),
        });
        Ok((id, format!("community_outcome:{id}"), Entry::after(after)))
    })
    .await?;
    tracing::info!(
        assembly_id = host.assembly_id,
        outcome_id,
        "community outcome received"
    );
    Ok(outcome_id)
}

/// Replaces an outcome `host` sent and puts it back in moderation (audited `community.outcome_edit`); another
/// host's outcome is [`Error::NotFound`]. An accepted outcome leaves the public list until accepted again.
pub async fn edit_outcome(
    tx: &mut store::Tx,
    actor: &Actor,
    host: &HostRow,
    outcome_id: i64,
    outcome: &NewOutcome,
    now: i64,
) -> Result<()> {
    require_open(tx, host).await?;
    let json = demographics_json(outcome);
    let entity = format!("community_outcome:{outcome_id}");
    let before = audited(
        tx,
        actor,
        "community.outcome_edit",
        &entity,
        now,
        async |tx| {
            let before = store::community::update_outcome(
                tx,
                host.assembly_id,
                host.id,
                outcome_id,
                outcome,
                &json,
                now,
            )
            .await?;
            let entry = Entry::change(
                serde_json::json!({ "status": before.as_str() }),
                serde_json::json!({
                    "status": OutcomeStatus::Pending.as_str(),
                    "participants": outcome.participants,
                }),
            );
            Ok((before, entry))
        },
    )
    .await?;
    if before == OutcomeStatus::Accepted {
        refresh_evidence(tx, actor, host.assembly_id, now).await?;
    }
    Ok(())
}

/// Accepts or rejects the outcomes `outcome_ids` of assembly `assembly_id` in one transaction, with one audit
/// entry (`community.outcome_moderate`) per outcome, then rewrites the evidence item; returns how many changed.
/// `decision` must be accepted or rejected ([`Error::Invalid`] naming `decision`); no outcome chosen is
/// [`Error::Invalid`] naming `outcome`; an outcome of another assembly is [`Error::NotFound`] and nothing changes.
pub async fn moderate(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    outcome_ids: &[i64],
    decision: OutcomeStatus,
    now: i64,
) -> Result<usize> {
    if decision == OutcomeStatus::Pending {
        return Err(ValidationError::new("decision", Problem::Malformed).into());
    }
    if outcome_ids.is_empty() {
        return Err(ValidationError::new("outcome", Problem::Required).into());
    }
    let moderator = actor.account()?;
    for &outcome_id in outcome_ids {
        let entity = format!("community_outcome:{outcome_id}");
        audited(
            tx,
            actor,
            "community.outcome_moderate",
            &entity,
            now,
            async |tx| {
                let before = store::community::moderate(
                    tx,
                    assembly_id,
                    outcome_id,
                    decision,
                    moderator,
                    now,
                )
                .await?;
                Ok((
                    (),
                    Entry::change(
                        serde_json::json!({ "status": before.as_str() }),
                        serde_json::json!({ "status": decision.as_str() }),
                    ),
                ))
            },
        )
        .await?;
    }
    refresh_evidence(tx, actor, assembly_id, now).await?;
    tracing::info!(
        assembly_id,
        count = outcome_ids.len(),
        decision = decision.as_str(),
        "community outcomes moderated"
    );
    Ok(outcome_ids.len())
}

/// Rewrites the evidence item "Community assemblies" from the accepted outcomes (audited `community.evidence`);
/// nothing is written while there is no accepted outcome and no item yet.
async fn refresh_evidence(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    now: i64,
) -> Result<()> {
    let by_area = store::community::accepted_by_area(tx, assembly_id).await?;
    let (assemblies, participants) = totals(&by_area);
    let existing = store::community::settings(tx, assembly_id)
        .await?
        .evidence_id;
    if assemblies == 0 && existing.is_none() {
        return Ok(());
    }
    // The evidence library has one text per item: it says it in the assembly's two languages.
    let summary = format!(
        "{assemblies} community assemblies with {participants} participants sent outcomes that the organisers \
         accepted. / {assemblies} assemblées locales, {participants} participants : leurs conclusions acceptées."
    );
    let url = EVIDENCE_URL.replace("{id}", &assembly_id.to_string());
    audited_creation(tx, actor, "community.evidence", now, async |tx| {
        let id = store::community::write_evidence(
            tx,
            assembly_id,
            "Community assemblies / Assemblées locales",
            &url,
            &summary,
            now,
        )
        .await?;
        let after = serde_json::json!({ "assemblies": assemblies, "participants": participants });
        Ok(((), format!("evidence:{id}"), Entry::after(after)))
    })
    .await
}

/// The number of community assemblies and of their participants in `by_area`.
pub fn totals(by_area: &[AreaTotals]) -> (i64, i64) {
    by_area
        .iter()
        .fold((0, 0), |(assemblies, people), (_, n, p)| {
            (assemblies + n, people + p)
        })
}

/// Deletes `host` with every outcome they sent (audited `community.host_erase`, counts only) and rewrites the
/// evidence item if one of them was accepted.
pub async fn withdraw(tx: &mut store::Tx, actor: &Actor, host: &HostRow, now: i64) -> Result<()> {
    let entity = format!("community_host:{}", host.id);
    let had_accepted = audited(
        tx,
        actor,
        "community.host_erase",
        &entity,
        now,
        async |tx| {
            let (outcomes, had_accepted) =
                store::community::erase_host(tx, host.assembly_id, host.id).await?;
            Ok((
                had_accepted,
                Entry {
                    before: Some(serde_json::json!({ "outcomes": outcomes })),
                    after: None,
                },
            ))
        },
    )
    .await?;
    if had_accepted {
        refresh_evidence(tx, actor, host.assembly_id, now).await?;
    }
    tracing::info!(
        assembly_id = host.assembly_id,
        host_id = host.id,
        "community host withdrew"
    );
    Ok(())
}

/// One page (from 0) of outcomes with `status`, and how many there are in all.
pub async fn outcomes_page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    status: OutcomeStatus,
    page: i64,
) -> Result<(Vec<OutcomeRow>, i64)> {
    let total = store::community::count_with_status(&mut *conn, assembly_id, status).await?;
    let rows = store::community::outcomes_with_status(
        conn,
        assembly_id,
        status,
        PAGE_SIZE,
        page.max(0) * PAGE_SIZE,
    )
    .await?;
    Ok((rows, total))
}

/// The accepted community assemblies by area.
pub async fn accepted_by_area(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<AreaTotals>> {
    Ok(store::community::accepted_by_area(conn, assembly_id).await?)
}

/// How many took part in an assembly, in each way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Participation {
    /// Members of the panel.
    pub panel_members: i64,
    /// Accepted community assemblies.
    pub community_assemblies: i64,
    /// Their participants.
    pub community_participants: i64,
    /// Participants of the public conversation (everyone who voted, wrote or answered from a device).
    pub conversation_participants: i64,
    /// Their votes (the latest per participant and statement).
    pub conversation_votes: i64,
    /// Statements shown or waiting (not rejected).
    pub conversation_statements: i64,
}

/// How many took part in assembly `assembly_id` in each way.
pub async fn participation(conn: &mut AnyConnection, assembly_id: i64) -> Result<Participation> {
    let panel_members = store::sessions::members_of(&mut *conn, assembly_id)
        .await?
        .len() as i64;
    let (community_assemblies, community_participants) =
        totals(&store::community::accepted_by_area(&mut *conn, assembly_id).await?);
    let conversation = store::conversation::participation(&mut *conn, assembly_id).await?;
    Ok(Participation {
        panel_members,
        community_assemblies,
        community_participants,
        conversation_participants: conversation.participants,
        conversation_votes: conversation.votes,
        conversation_statements: conversation.statements,
    })
}

/// The most bytes of one photo.
pub const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;

/// Attaches a photo (already checked and stripped of metadata by the caller) to one of the host's outcomes
/// (audited `community.photo_add` with the outcome and the media type). `None` when the outcome already has
/// [`store::community_photos::MAX_PER_OUTCOME`] photos; [`Error::NotFound`] if the outcome is not the host's.
/// The photo is public only while the outcome is accepted.
pub async fn add_photo(
    tx: &mut store::Tx,
    actor: &Actor,
    host: &HostRow,
    outcome_id: i64,
    media_type: &str,
    data: &[u8],
    now: i64,
) -> Result<Option<i64>> {
    if data.len() > PHOTO_MAX_BYTES {
        let too_long = Problem::TooLong {
            max: PHOTO_MAX_BYTES,
        };
        return Err(ValidationError::new("photo", too_long).into());
    }
    if !store::community::settings(tx, host.assembly_id)
        .await?
        .is_open
    {
        return Err(Error::conflict(
            "the community phase of this assembly is closed",
        ));
    }
    let entity = format!("community_outcome:{outcome_id}");
    let added = audited(tx, actor, "community.photo_add", &entity, now, async |tx| {
        let added = store::community_photos::add(
            tx,
            host.assembly_id,
            host.id,
            outcome_id,
            media_type,
            data,
            now,
        )
        .await?;
        let after = serde_json::json!({ "photo": added, "media_type": media_type });
        Ok((added, Entry::after(after)))
    })
    .await?;
    tracing::info!(
        assembly_id = host.assembly_id,
        outcome_id,
        photo_id = added,
        "community outcome photo added"
    );
    Ok(added)
}

/// Removes one of the host's photos (audited `community.photo_remove`). [`Error::NotFound`] if it is not theirs.
pub async fn remove_photo(
    tx: &mut store::Tx,
    actor: &Actor,
    host: &HostRow,
    photo_id: i64,
    now: i64,
) -> Result<()> {
    let entity = format!("community_photo:{photo_id}");
    audited(
        tx,
        actor,
        "community.photo_remove",
        &entity,
        now,
        async |tx| {
            if !store::community_photos::remove(tx, host.assembly_id, host.id, photo_id).await? {
                return Err(Error::NotFound);
            }
            Ok(((), Entry::after(serde_json::json!({ "removed": true }))))
        },
    )
    .await?;
    Ok(())
}

/// The photo ids of each outcome: outcome → photo ids in upload order.
pub async fn photos_of(
    conn: &mut AnyConnection,
    assembly_id: i64,
    outcome_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<i64>>> {
    let mut by_outcome: std::collections::HashMap<i64, Vec<i64>> = Default::default();
    for (outcome, photo) in store::community_photos::ids_of(conn, assembly_id, outcome_ids).await? {
        by_outcome.entry(outcome).or_default().push(photo);
    }
    Ok(by_outcome)
}
