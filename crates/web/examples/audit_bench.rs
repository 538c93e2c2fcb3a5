//! The staff audit page on a long log (issue 14, item 8): `GET /staff/audit` timed over HTTP on a fresh database
//! holding the demo data and N more entries (default 100,000), on SQLite and on PostgreSQL.
//!
//! It times three things:
//! - the page with its checkpoint reset to the start, which verifies the whole chain as every view did before the
//!   checkpoint existed (the "before" figure);
//! - the page at steady state, one entry written between views (the "after" figure);
//! - `store::audit::verify`, the whole chain as `klero audit verify` checks it.
//!
//! The entries are written with SQL in batches (their hashes computed with `store::audit::entry_hash`), to make a
//! long log quickly; the server is the real router on a loopback port.
//!
//! `cargo run --release -p web --example audit_bench -- [ENTRIES] [sqlite|postgres|both]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use store::audit::{Change, GENESIS_HASH, entry_hash};
use store::test_support::{TestDatabase, execute_raw};
use store::{Backend, Store};

const ADMIN: (&str, &str) = ("admin@demo.kleroterion.org", "demo-admin-password");

fn csrf_of(html: &str) -> Result<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).context("no csrf_token on the page")? + marker.len();
    Ok(html[start..].split('"').next().unwrap_or("").to_owned())
}

/// Appends `count` entries after the head, 500 to an `INSERT`, and moves the head.
async fn append_entries(store: &Store, count: i64) -> Result<()> {
    let mut connection = store.connection().await?;
    let (mut seq, mut prev_hash) = store::audit::head(&mut connection).await?;
    drop(connection);
    let end = seq + count;
    while seq < end {
        let mut values = Vec::new();
        for _ in 0..500.min(end - seq) {
            seq += 1;
            let entity = format!("bench:{seq}");
            let after = format!("{{\"n\":{seq}}}");
            let change = Change {
                actor_account_id: Some(1),
                action: "bench.entry",
                entity: &entity,
                before_json: None,
                after_json: Some(&after),
            };
            let at = 1_700_000_000 + seq;
            let hash = entry_hash(seq, at, &change, &prev_hash);
            values.push(format!(
                "({seq}, {at}, 1, 'bench.entry', '{entity}', NULL, '{after}', '{prev_hash}', '{hash}')"
            ));
            prev_hash = hash;
        }
        execute_raw(
            store,
            &format!(
                "INSERT INTO audit_log (seq, at, actor_account_id, action, entity, before_json, after_json, prev_hash, hash) VALUES {}",
                values.join(", ")
            ),
        )
        .await?;
    }
    execute_raw(
        store,
        &format!("UPDATE audit_head SET seq = {seq}, hash = '{prev_hash}' WHERE id = 1"),
    )
    .await?;
    Ok(())
}

async fn start(store: &Store) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let state = web::AppState {
        store: store.clone(),
        config: Arc::new(web::Config::default()),
        stopping: web::Stopping::default(),
    };
    let app = web::app(state);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    Ok(address)
}

async fn view(client: &reqwest::Client, base: &str) -> Result<(Duration, String)> {
    let started = Instant::now();
    let response = client.get(format!("{base}/staff/audit")).send().await?;
    let status = response.status();
    let body = response.text().await?;
    let elapsed = started.elapsed();
    anyhow::ensure!(status.is_success(), "audit page: {status}");
    anyhow::ensure!(
        body.contains("The hash chain is intact"),
        "chain not intact"
    );
    Ok((elapsed, body))
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

async fn bench(backend: Backend, entries: i64) -> Result<()> {
    let database = TestDatabase::create(backend).await;
    let store = Store::connect(&database.url).await?;
    web::demo::seed(&store).await?;
    append_entries(&store, entries).await?;
    let base = start(&store).await?;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let token = csrf_of(&login)?;
    let response = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", ADMIN.0),
            ("password", ADMIN.1),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    anyhow::ensure!(response.status().as_u16() == 303, "admin sign-in failed");
    let total = store::audit::head(&mut *store.connection().await?).await?.0;

    // Before: every view verified the whole chain (checkpoint at the start).
    let mut full = Vec::new();
    for _ in 0..3 {
        execute_raw(
            &store,
            &format!(
                "UPDATE audit_checkpoint SET seq = 0, hash = '{GENESIS_HASH}', swept_seq = 0 WHERE id = 1"
            ),
        )
        .await?;
        full.push(view(&client, &base).await?.0);
    }
    // After: steady state, one new entry between views, the sweep going round.
    let mut steady = Vec::new();
    for _ in 0..20 {
        append_entries(&store, 1).await?;
        steady.push(view(&client, &base).await?.0);
    }
    let started = Instant::now();
    let verdict = store::audit::verify(&mut *store.connection().await?).await?;
    let verify = started.elapsed();
    anyhow::ensure!(verdict.is_ok(), "{verdict:?}");
    full.sort();
    steady.sort();
    println!(
        "| {backend:?} | {total} | {} (median of 3) | {} median, {} max (20 views) | {} |",
        ms(full[1]),
        ms(steady[steady.len() / 2]),
        ms(*steady.last().unwrap()),
        ms(verify),
    );
    store.close().await;
    database.drop_database().await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let entries: i64 = args.next().map_or(Ok(100_000), |text| text.parse())?;
    let which = args.next().unwrap_or_else(|| "both".to_owned());
    println!(
        "| backend | entries | page, whole chain verified (before) | page, incremental (after) | `store::audit::verify` |"
    );
    println!("|---|---|---|---|---|");
    if which != "postgres" {
        bench(Backend::Sqlite, entries).await?;
    }
    if which != "sqlite" {
        bench(Backend::Postgres, entries).await?;
    }
    Ok(())
}
