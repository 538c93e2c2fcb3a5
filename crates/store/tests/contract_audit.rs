//! Contract tests of the audit log's anchor (issue 14, finding 6), on SQLite and PostgreSQL: whoever can write the
//! database can edit an entry and recompute the chain, or cut the last entries, and `verify` alone still says
//! "intact"; checked against an anchor published earlier (signed with a key the database does not hold), both
//! rewrites are reported.

use store::audit::{self, Change};
use store::secret::{ServerSecret, signature_is_valid};
use store::{Store, on_both_backends};

on_both_backends!(
    editing_an_entry_and_recomputing_the_chain_is_caught_by_the_published_anchor,
    cutting_the_last_entries_is_caught_by_the_published_anchor,
);

/// Writes 20 entries and returns the anchor a server would publish: (entries, head hash, signature, public key).
async fn twenty_entries_and_their_anchor(store: &Store) -> (i64, String, String, String) {
    let mut tx = store.begin().await.unwrap();
    for n in 1..=20 {
        let after = format!("{{\"n\":{n}}}");
        audit::append(
            &mut tx,
            &Change {
                actor_account_id: None,
                action: "test.entry",
                entity: &format!("thing:{n}"),
                before_json: None,
                after_json: Some(&after),
            },
            1_000 + n,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let (entries, head) = audit::head(&mut connection).await.unwrap();
    let signer = ServerSecret::from_bytes([5; 32]).audit_signer();
    let signature = signer.sign_hex(audit::anchor_message(entries, &head).as_bytes());
    (entries, head, signature, signer.public_key_hex())
}

/// Rewrites entries `from..` with their hashes recomputed and moves the head, as an attacker with write access
/// to the database (and this program's source) would.
async fn recompute_from(store: &Store, from: i64) {
    let mut connection = store.connection().await.unwrap();
    let rows = audit::recent(&mut connection, 10_000).await.unwrap();
    let mut rows: Vec<_> = rows.into_iter().filter(|row| row.seq >= from).collect();
    rows.sort_by_key(|row| row.seq);
    let mut prev_hash: String = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
        .bind(from - 1)
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    for row in rows {
        let change = Change {
            actor_account_id: row.actor_account_id,
            action: &row.action,
            entity: &row.entity,
            before_json: row.before_json.as_deref(),
            after_json: row.after_json.as_deref(),
        };
        let hash = audit::entry_hash(row.seq, row.at, &change, &prev_hash);
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
            .bind(&prev_hash)
            .bind(&hash)
            .bind(row.seq)
            .execute(&mut *connection)
            .await
            .unwrap();
        prev_hash = hash;
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&prev_hash)
        .execute(&mut *connection)
        .await
        .unwrap();
}

async fn editing_an_entry_and_recomputing_the_chain_is_caught_by_the_published_anchor(
    store: Store,
) {
    let (entries, head, signature, public_key) = twenty_entries_and_their_anchor(&store).await;
    assert!(signature_is_valid(
        &public_key,
        audit::anchor_message(entries, &head).as_bytes(),
        &signature
    ));
    let mut connection = store.connection().await.unwrap();
    sqlx::query("UPDATE audit_log SET after_json = '{\"n\":99}' WHERE seq = 11")
        .execute(&mut *connection)
        .await
        .unwrap();
    drop(connection);
    recompute_from(&store, 11).await;
    let mut connection = store.connection().await.unwrap();
    // The attack that worked: the chain alone checks out.
    assert_eq!(audit::verify(&mut connection).await.unwrap(), Ok(20));
    // Against the published anchor, the rewrite shows.
    let verdict = audit::verify_against_anchor(&mut connection, entries, &head)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(verdict.seq, 20);
    assert!(verdict.reason.contains("rewritten"), "{}", verdict.reason);
    // The rewritten head cannot be passed off as the server's anchor: the database holds no signing key.
    let (_, forged_head) = audit::head(&mut connection).await.unwrap();
    assert_ne!(forged_head, head);
    assert!(!signature_is_valid(
        &public_key,
        audit::anchor_message(20, &forged_head).as_bytes(),
        &signature
    ));
}

async fn cutting_the_last_entries_is_caught_by_the_published_anchor(store: Store) {
    let (entries, head, _, _) = twenty_entries_and_their_anchor(&store).await;
    let mut connection = store.connection().await.unwrap();
    let tenth: String = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = 10")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq > 10")
        .execute(&mut *connection)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET seq = 10, hash = $1 WHERE id = 1")
        .bind(&tenth)
        .execute(&mut *connection)
        .await
        .unwrap();
    assert_eq!(audit::verify(&mut connection).await.unwrap(), Ok(10));
    let verdict = audit::verify_against_anchor(&mut connection, entries, &head)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(verdict.seq, 11);
    assert!(verdict.reason.contains("cut"), "{}", verdict.reason);
    // An anchor taken earlier (before the cut entries) still checks out.
    assert_eq!(
        audit::verify_against_anchor(&mut connection, 10, &tenth)
            .await
            .unwrap(),
        Ok(10)
    );
}
