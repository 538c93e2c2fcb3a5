//! The hash-chained audit log: every change of state is appended, in the transaction of the change itself.
//!
//! Each entry's hash is SHA-256 over a canonical serialisation of its fields and the previous entry's hash,
//! and a one-row `audit_head` table holds the last sequence number and hash.
//! Appending starts with `UPDATE audit_head`, which locks the head row until commit (PostgreSQL) or takes
//! the write lock (SQLite), so concurrent servers append one after another and never fork the chain.
//! [`verify`] recomputes the chain and compares its end with the head, so an edited, inserted or deleted entry
//! (including the last one) is found.
//!
//! That alone does not stop whoever can write the database: they can edit an entry and recompute every later hash
//! and the head, or cut the last entries and move the head back. So the head is also published outside the database
//! as an *anchor* (the number of entries and the head hash, signed with an Ed25519 key derived from the server secret,
//! which the database never holds: [`anchor_message`], `crate::secret::AuditSigner`), and [`verify_against_anchor`]
//! checks that the chain still holds the anchored entry with the anchored hash: a rewrite before it, or a cut below
//! it, is reported.

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// The hash that the first entry chains from.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A change to record.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The account that made the change (`None` for the public or the system).
    pub actor_account_id: Option<i64>,
    /// What happened, e.g. `assembly.update`.
    pub action: &'a str,
    /// What it happened to, e.g. `assembly:3`.
    pub entity: &'a str,
    /// The state before, as JSON (`None` for a creation).
    pub before_json: Option<&'a str>,
    /// The state after, as JSON (`None` for a deletion).
    pub after_json: Option<&'a str>,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// The position in the chain, from 1.
    pub seq: i64,
    /// When (unix seconds).
    pub at: i64,
    /// Who.
    pub actor_account_id: Option<i64>,
    /// What.
    pub action: String,
    /// To what.
    pub entity: String,
    /// The state before, as JSON.
    pub before_json: Option<String>,
    /// The state after, as JSON.
    pub after_json: Option<String>,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The sequence number of the first entry that does not check out.
    pub seq: i64,
    /// What is wrong with it.
    pub reason: String,
}

/// The SHA-256 of an entry, over a length-prefixed serialisation (so no two field lists serialise alike).
pub fn entry_hash(seq: i64, at: i64, change: &Change<'_>, prev_hash: &str) -> String {
    let Change {
        actor_account_id,
        action,
        entity,
        before_json,
        after_json,
    } = *change;
    let mut canonical = String::new();
    let mut field = |value: Option<&str>| match value {
        Some(value) => canonical.push_str(&format!("{}:{};", value.len(), value)),
        None => canonical.push_str("-;"),
    };
    field(Some("klero-audit-v1"));
    field(Some(&seq.to_string()));
    field(Some(&at.to_string()));
    field(actor_account_id.map(|id| id.to_string()).as_deref());
    field(Some(action));
    field(Some(entity));
    field(before_json);
    field(after_json);
    field(Some(prev_hash));
    crate::sha256_hex(canonical.as_bytes())
}

/// Appends `change` to the chain; call it in the same transaction as the change. Returns the new sequence number.
pub async fn append(
    conn: &mut AnyConnection,
    change: &Change<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let hash = entry_hash(seq, now, change, &prev_hash);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_account_id, action, entity, before_json, after_json, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(now)
    .bind(change.actor_account_id)
    .bind(change.action)
    .bind(change.entity)
    .bind(change.before_json)
    .bind(change.after_json)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(conn)
        .await?;
    Ok(seq)
}

fn audit_from_row(row: &sqlx::any::AnyRow) -> Result<AuditRow, StoreError> {
    Ok(AuditRow {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor_account_id: row.try_get("actor_account_id")?,
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        before_json: row.try_get("before_json")?,
        after_json: row.try_get("after_json")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// The most recent `limit` entries, newest first.
pub async fn recent(conn: &mut AnyConnection, limit: i64) -> Result<Vec<AuditRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, at, actor_account_id, action, entity, before_json, after_json, prev_hash, hash
         FROM audit_log ORDER BY seq DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(audit_from_row).collect()
}

/// How many entries [`verify`] and [`verify_since_checkpoint`] read at a time, so that a long log is checked in
/// bounded memory.
const VERIFY_BATCH: i64 = 5_000;

/// Checks entries `from_seq`, `from_seq + 1`, … up to `to_seq`, the first chaining from `prev_hash`, in batches.
/// Returns the hash of entry `to_seq` (or `prev_hash` when there is nothing to check), or the first break.
async fn verify_range(
    conn: &mut AnyConnection,
    from_seq: i64,
    to_seq: i64,
    prev_hash: &str,
) -> Result<Result<String, ChainBreak>, StoreError> {
    let mut expected_seq = from_seq;
    let mut prev_hash = prev_hash.to_owned();
    while expected_seq <= to_seq {
        let rows = sqlx::query(
            "SELECT seq, at, actor_account_id, action, entity, before_json, after_json, prev_hash, hash
             FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3",
        )
        .bind(expected_seq)
        .bind(to_seq)
        .bind(VERIFY_BATCH)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let entry = audit_from_row(row)?;
            if entry.seq != expected_seq {
                return Ok(Err(ChainBreak {
                    seq: expected_seq,
                    reason: format!(
                        "entry {expected_seq} is missing (next entry found is {})",
                        entry.seq
                    ),
                }));
            }
            if entry.prev_hash != prev_hash {
                return Ok(Err(ChainBreak {
                    seq: entry.seq,
                    reason: "previous hash does not match".to_owned(),
                }));
            }
            let content = Change {
                actor_account_id: entry.actor_account_id,
                action: &entry.action,
                entity: &entry.entity,
                before_json: entry.before_json.as_deref(),
                after_json: entry.after_json.as_deref(),
            };
            let recomputed = entry_hash(entry.seq, entry.at, &content, &entry.prev_hash);
            if recomputed != entry.hash {
                return Ok(Err(ChainBreak {
                    seq: entry.seq,
                    reason: "content does not match its hash (edited)".to_owned(),
                }));
            }
            prev_hash = entry.hash;
            expected_seq += 1;
        }
    }
    if expected_seq <= to_seq {
        return Ok(Err(ChainBreak {
            seq: expected_seq,
            reason: format!(
                "the log ends at entry {} but {to_seq} were written (entries deleted)",
                expected_seq - 1
            ),
        }));
    }
    Ok(Ok(prev_hash))
}

/// Checks that the chain's end matches the head: `last_hash` is the hash of entry `head_seq`, and no entry lies
/// beyond it.
async fn check_end(
    conn: &mut AnyConnection,
    head_seq: i64,
    head_hash: &str,
    last_hash: &str,
) -> Result<Result<i64, ChainBreak>, StoreError> {
    let beyond: Option<i64> = sqlx::query_scalar("SELECT MIN(seq) FROM audit_log WHERE seq > $1")
        .bind(head_seq)
        .fetch_one(&mut *conn)
        .await?;
    // An entry appended (with its head) since the head was read is no break: read the head again.
    if let Some(seq) = beyond
        && head(&mut *conn).await?.0 < seq
    {
        return Ok(Err(ChainBreak {
            seq,
            reason: format!("entry {seq} lies beyond the {head_seq} entries written (inserted)"),
        }));
    }
    if head_hash != last_hash {
        return Ok(Err(ChainBreak {
            seq: head_seq,
            reason: "the last entry is not the one written".to_owned(),
        }));
    }
    Ok(Ok(head_seq))
}

/// Checks the whole chain. `Ok(Ok(n))`: `n` entries, all intact; `Ok(Err(break))`: the first bad entry.
pub async fn verify(conn: &mut AnyConnection) -> Result<Result<i64, ChainBreak>, StoreError> {
    let (head_seq, head_hash) = head(&mut *conn).await?;
    let last_hash = match verify_range(&mut *conn, 1, head_seq, GENESIS_HASH).await? {
        Ok(hash) => hash,
        Err(chain_break) => return Ok(Err(chain_break)),
    };
    check_end(conn, head_seq, &head_hash, &last_hash).await
}

/// How many entries before the checkpoint [`verify_since_checkpoint`] re-checks at each call.
pub const SWEEP_BATCH: i64 = 10_000;

/// What [`verify_since_checkpoint`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// The number of entries in the chain.
    pub entries: i64,
    /// The entries checked now because they were written since the previous checkpoint.
    pub checked: i64,
    /// The entry up to which the chain had been verified before, whose hash was found unchanged.
    pub checkpoint: i64,
    /// The older entries re-checked now: `swept.0..=swept.1` (empty when `swept.0 > swept.1`).
    pub swept: (i64, i64),
}

/// Checks the chain incrementally, at a cost bounded whatever the length of the log:
/// - entry `c` of the stored checkpoint still has the hash it had when it was verified;
/// - every entry after it chains from it and checks out, and the last one is the head;
/// - a slice of [`SWEEP_BATCH`] older entries, after the stored sweep cursor, still check out and chain from
///   the entry before them (the cursor moves on, and starts again from 1 past the checkpoint), so every entry
///   is re-checked once every `c / SWEEP_BATCH` calls.
///
/// Then it moves the checkpoint to the head.
///
/// What it does not see at once: an entry before the checkpoint edited without recomputing the hashes after it,
/// until the sweep reaches it (`verify`, `klero audit verify`, finds it at once); and a rewrite that also rewrote the
/// checkpoint row, which only a published anchor ([`verify_against_anchor`]) shows.
pub async fn verify_since_checkpoint(
    conn: &mut AnyConnection,
    now: i64,
) -> Result<Result<Verified, ChainBreak>, StoreError> {
    let row = sqlx::query("SELECT seq, hash, swept_seq FROM audit_checkpoint WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let checkpoint_seq: i64 = row.try_get("seq")?;
    let checkpoint_hash: String = row.try_get("hash")?;
    let swept_seq: i64 = row.try_get("swept_seq")?;
    let (head_seq, head_hash) = head(&mut *conn).await?;
    if checkpoint_seq > head_seq {
        return Ok(Err(ChainBreak {
            seq: head_seq + 1,
            reason: format!(
                "the log was verified up to entry {checkpoint_seq} but the head says {head_seq} (entries cut)"
            ),
        }));
    }
    if checkpoint_seq > 0 {
        let stored: Option<String> =
            sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(checkpoint_seq)
                .fetch_optional(&mut *conn)
                .await?;
        if stored.as_deref() != Some(checkpoint_hash.as_str()) {
            return Ok(Err(ChainBreak {
                seq: checkpoint_seq,
                reason: "entry is not the one verified earlier (the log was rewritten)".to_owned(),
            }));
        }
    }
    let last_hash =
        match verify_range(&mut *conn, checkpoint_seq + 1, head_seq, &checkpoint_hash).await? {
            Ok(hash) => hash,
            Err(chain_break) => return Ok(Err(chain_break)),
        };
    if let Err(chain_break) = check_end(&mut *conn, head_seq, &head_hash, &last_hash).await? {
        return Ok(Err(chain_break));
    }
    // The sweep over the entries verified before, from where the last one stopped.
    let sweep_from = if swept_seq >= checkpoint_seq {
        1
    } else {
        swept_seq + 1
    };
    let sweep_to = (sweep_from + SWEEP_BATCH - 1).min(checkpoint_seq);
    if sweep_from <= sweep_to {
        let prev_hash = if sweep_from == 1 {
            GENESIS_HASH.to_owned()
        } else {
            let before: Option<String> =
                sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                    .bind(sweep_from - 1)
                    .fetch_optional(&mut *conn)
                    .await?;
            before.unwrap_or_default()
        };
        let swept_end = match verify_range(&mut *conn, sweep_from, sweep_to, &prev_hash).await? {
            Ok(hash) => hash,
            Err(chain_break) => return Ok(Err(chain_break)),
        };
        // The slice must also lead into the entry after it (the checkpoint's own link was checked above).
        if sweep_to == checkpoint_seq && swept_end != checkpoint_hash {
            return Ok(Err(ChainBreak {
                seq: checkpoint_seq,
                reason: "entry is not the one verified earlier (the log was rewritten)".to_owned(),
            }));
        }
    }
    // Only forward: a slower view that read an older head never moves the checkpoint back.
    sqlx::query(
        "UPDATE audit_checkpoint SET seq = $1, hash = $2, swept_seq = $3, verified_at = $4
         WHERE id = 1 AND seq <= $1",
    )
    .bind(head_seq)
    .bind(&head_hash)
    .bind(sweep_to.max(0))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(Ok(Verified {
        entries: head_seq,
        checked: head_seq - checkpoint_seq,
        checkpoint: checkpoint_seq,
        swept: (sweep_from, sweep_to),
    }))
}

/// One page of the log, newest first: up to `limit` entries before entry `before` (all the latest without it).
pub async fn page(
    conn: &mut AnyConnection,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, at, actor_account_id, action, entity, before_json, after_json, prev_hash, hash
         FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT $2",
    )
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(audit_from_row).collect()
}

/// The text an anchor signs: the number of entries and the hash of the last one.
pub fn anchor_message(entries: i64, head_hash: &str) -> String {
    format!("klero-audit-anchor-v1:{entries}:{head_hash}")
}

/// The head as stored: the number of entries and the hash of the last one.
pub async fn head(conn: &mut AnyConnection) -> Result<(i64, String), StoreError> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(conn)
        .await?;
    Ok((head.try_get("seq")?, head.try_get("hash")?))
}

/// Checks the whole chain ([`verify`]) and that it still holds an anchor published earlier: entry `entries` exists
/// and its hash is `head_hash`. Editing any entry up to it (even with every later hash recomputed) or cutting the
/// log below it is reported.
pub async fn verify_against_anchor(
    conn: &mut AnyConnection,
    entries: i64,
    head_hash: &str,
) -> Result<Result<i64, ChainBreak>, StoreError> {
    let count = match verify(&mut *conn).await? {
        Ok(count) => count,
        Err(chain_break) => return Ok(Err(chain_break)),
    };
    if entries < 0 {
        return Ok(Err(ChainBreak {
            seq: entries,
            reason: "the anchor names a negative number of entries".to_owned(),
        }));
    }
    if entries > count {
        return Ok(Err(ChainBreak {
            seq: count + 1,
            reason: format!(
                "the published anchor covers {entries} entries but the log holds {count} (entries cut)"
            ),
        }));
    }
    let hash: String = if entries == 0 {
        GENESIS_HASH.to_owned()
    } else {
        sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
            .bind(entries)
            .fetch_one(conn)
            .await?
    };
    if hash != head_hash {
        return Ok(Err(ChainBreak {
            seq: entries,
            reason: "entry does not match the published anchor (the log was rewritten)".to_owned(),
        }));
    }
    Ok(Ok(count))
}
