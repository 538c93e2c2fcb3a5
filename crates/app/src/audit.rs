//! The one way to write: the change and its audit entry in the same transaction.
//!
//! [`audited`] is the only caller of `store::audit::append` in the workspace (a tidy test checks it): every write
//! a person makes goes through it, so the hash-chained log cannot miss one, and a write whose audit entry fails
//! rolls back with it. The audit entry names ids and non-personal facts only (see ARCHITECTURE.md's threat model).

use crate::{Actor, Result};

/// What a write reports to the log: the state before (`None` for a creation) and after (`None` for a deletion),
/// as JSON of ids and non-personal facts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// The state before.
    pub before: Option<serde_json::Value>,
    /// The state after.
    pub after: Option<serde_json::Value>,
}

impl Entry {
    /// A creation or a change described by its result only.
    pub fn after(after: serde_json::Value) -> Entry {
        Entry {
            before: None,
            after: Some(after),
        }
    }

    /// A change with its state before and after.
    pub fn change(before: serde_json::Value, after: serde_json::Value) -> Entry {
        Entry {
            before: Some(before),
            after: Some(after),
        }
    }
}

/// Runs `write` in `tx`, then appends its audit entry (`action` on `entity`, by `actor`, at `now`) in the same
/// transaction. `write` returns its value and the [`Entry`] to log; an error from either rolls both back when the
/// caller drops the transaction.
pub async fn audited<T>(
    tx: &mut store::Tx,
    actor: &Actor,
    action: &str,
    entity: &str,
    now: i64,
    write: impl AsyncFnOnce(&mut store::Tx) -> Result<(T, Entry)>,
) -> Result<T> {
    let (value, entry) = write(tx).await?;
    append(tx, actor, action, entity, &entry, now).await?;
    Ok(value)
}

/// Like [`audited`] for a write that creates the entity it is about, whose id is known only after the write:
/// `write` returns its value, the entity (`"account:12"`) and the [`Entry`].
pub async fn audited_creation<T>(
    tx: &mut store::Tx,
    actor: &Actor,
    action: &str,
    now: i64,
    write: impl AsyncFnOnce(&mut store::Tx) -> Result<(T, String, Entry)>,
) -> Result<T> {
    let (value, entity, entry) = write(tx).await?;
    append(tx, actor, action, &entity, &entry, now).await?;
    Ok(value)
}

/// Records that `actor` looked at or exported personal data (`action` on `entity`), a read with no write,
/// in the caller's transaction.
pub async fn viewed(
    tx: &mut store::Tx,
    actor: &Actor,
    action: &str,
    entity: &str,
    facts: serde_json::Value,
    now: i64,
) -> Result<()> {
    append(tx, actor, action, entity, &Entry::after(facts), now).await
}

async fn append(
    tx: &mut store::Tx,
    actor: &Actor,
    action: &str,
    entity: &str,
    entry: &Entry,
    now: i64,
) -> Result<()> {
    let before = entry.before.as_ref().map(|value| value.to_string());
    let after = entry.after.as_ref().map(|value| value.to_string());
    store::audit::append(
        tx,
        &store::audit::Change {
            actor_account_id: actor.account_id,
            action,
            entity,
            before_json: before.as_deref(),
            after_json: after.as_deref(),
        },
        now,
    )
    .await?;
    Ok(())
}
