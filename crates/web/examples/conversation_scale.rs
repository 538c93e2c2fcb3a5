//! The opinion map of a large conversation (issue 16): 100,000 participants and 1,000,000 votes, written through the
//! store's bulk path (the one the openData import uses), then the time from the last vote to the updated map.
//!
//! For each backend it times, on a fresh database with the demo data:
//! - the first analysis (`web::conversation::job::drain`, no previous analysis to warm-start from), and its parts:
//!   reading the votes (`app::conversation::analysis::input`), the engine (`compute`) and storing the result;
//! - the public results page (`GET /assemblies/{id}/conversation/results`, the median of 5 requests once the map
//!   is stored): what a visitor waits for, with the participation counts, votes by day, verified counts and the
//!   groups' demographics that it shows (the assembly has the demo's quotas, and a third of the participants
//!   answered two demographic questions), and, for comparison, what the page read on every view before those
//!   figures were stored with the map (the same store calls, timed in the example);
//! - the end-to-end figure: the real server with `klero serve`'s background ticker, one more vote through the JSON
//!   API, then the API polled every 50 ms until its results count that vote (the ticker's wait included).
//!
//! `cargo run --release -p web --example conversation_scale -- [sqlite|postgres|both] [PARTICIPANTS] [VOTES_EACH]
//!  [STATEMENTS]` (defaults: both, 100000, 10, 200)

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use domain::conversation::{ModerationMode, Stance, StatementStatus};
use store::conversation::{NewStatement, Settings, VoteRow};
use store::test_support::TestDatabase;
use store::{Backend, Store};

/// SplitMix64: a small deterministic stream, for reproducible synthetic votes (not for anything secret).
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn secs(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64())
}

async fn climate_id(store: &Store) -> Result<i64> {
    Ok(store::test_support::count_raw(
        store,
        "SELECT id FROM assemblies WHERE title = 'Citizens'' Convention for Climate'",
    )
    .await?)
}

/// Writes the conversation: statements, participants and votes (four planted opinion groups), in one transaction.
async fn generate(
    store: &Store,
    assembly_id: i64,
    participants: usize,
    votes_each: usize,
    statements: usize,
) -> Result<Vec<i64>> {
    let now = web::now();
    let mut tx = store.begin().await?;
    let settings = Settings {
        prompt: "What should the city do about the climate?".to_owned(),
        moderation: ModerationMode::AcceptedOnly,
        is_open: true,
    };
    store::conversation::configure(&mut tx, assembly_id, &settings, now).await?;
    let mut ids = Vec::with_capacity(statements);
    for n in 0..statements {
        let body = format!("Scale statement {n}");
        let normalised = domain::conversation::normalise(&body);
        let new = NewStatement {
            body: &body,
            normalised: &normalised,
            participant_id: None,
            status: StatementStatus::Accepted,
            is_meta: false,
        };
        ids.push(store::conversation::add_statement(&mut tx, assembly_id, &new, now).await?);
    }
    let people: Vec<(i64, String)> = (0..participants)
        .map(|p| {
            let hash = store::sha256_hex(format!("scale:{assembly_id}:{p}").as_bytes());
            (1_000_000 + p as i64, hash)
        })
        .collect();
    store::conversation_bulk::import_participants(&mut tx, assembly_id, &people, now).await?;
    let mut stream = Stream(42);
    let mut votes = Vec::with_capacity(participants * votes_each);
    for (p, (id, _)) in people.iter().enumerate() {
        let group = (p % 4) as u64;
        let mut chosen = std::collections::BTreeSet::new();
        while chosen.len() < votes_each {
            chosen.insert(stream.below(statements as u64) as usize);
        }
        for s in chosen {
            // Each group agrees with a quarter of the statements and disagrees with another, with noise.
            let leaning = (s as u64 + group) % 4;
            let noise = stream.below(10);
            let stance = match leaning {
                _ if noise == 0 => Stance::Pass,
                0 if noise < 9 => Stance::Agree,
                0 => Stance::Disagree,
                1 if noise < 9 => Stance::Disagree,
                1 => Stance::Agree,
                _ if noise < 5 => Stance::Agree,
                _ => Stance::Disagree,
            };
            votes.push(VoteRow {
                participant_id: *id,
                statement_id: ids[s],
                stance,
                voted_at: now,
            });
        }
    }
    store::conversation_bulk::import_votes(&mut tx, assembly_id, &votes, now).await?;
    // The population targets the results compare each group with, and a third of the participants' answers.
    let quota = |feature: &str, value: &str, share_ppm: i64| store::selection::QuotaRow {
        feature: feature.to_owned(),
        value: value.to_owned(),
        share_ppm,
        min_seats: 0,
        max_seats: 100,
    };
    let quotas = [
        quota("gender", "woman", 510_000),
        quota("gender", "man", 490_000),
        quota("age_band", "16-29", 200_000),
        quota("age_band", "30-49", 320_000),
        quota("age_band", "50-64", 250_000),
        quota("age_band", "65+", 230_000),
    ];
    let settings = store::selection::SettingsRow {
        panel_size: 150,
        seed_source: "The scale benchmark".to_owned(),
    };
    store::selection::save_quotas(&mut tx, assembly_id, &settings, &quotas, now).await?;
    for (p, (id, _)) in people.iter().enumerate().filter(|(p, _)| p % 3 == 0) {
        let gender = &quotas[p / 3 % 2].value;
        let age = &quotas[2 + stream.below(4) as usize].value;
        store::conversation::set_answer(&mut tx, assembly_id, *id, "gender", gender).await?;
        store::conversation::set_answer(&mut tx, assembly_id, *id, "age_band", age).await?;
    }
    tx.commit().await?;
    Ok(ids)
}

async fn start(store: &Store) -> Result<(String, web::Stopping)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let state = web::AppState {
        store: store.clone(),
        config: Arc::new(web::Config::default()),
        stopping: web::Stopping::default(),
    };
    let stopping = state.stopping.clone();
    web::conversation::job::spawn_ticker(store.clone(), stopping.clone());
    let app = web::app(state);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    Ok((address, stopping))
}

/// The public results page: the median of 5 GETs, in milliseconds.
async fn results_page_ms(base: &str, assembly_id: i64) -> Result<f64> {
    let client = reqwest::Client::new();
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let response = client
            .get(format!(
                "{base}/assemblies/{assembly_id}/conversation/results"
            ))
            .send()
            .await?;
        ensure!(
            response.status().is_success(),
            "results page: {}",
            response.status()
        );
        let body = response.text().await?;
        times.push(started.elapsed());
        ensure!(
            body.contains("id=\"opinion-map\""),
            "the results page shows the map"
        );
    }
    times.sort();
    Ok(times[2].as_secs_f64() * 1000.0)
}

async fn results_votes(base: &str, assembly_id: i64) -> Result<Option<u64>> {
    let body: serde_json::Value = reqwest::get(format!(
        "{base}/api/v1/assemblies/{assembly_id}/conversation?limit=1"
    ))
    .await?
    .json()
    .await?;
    Ok(body["results"]["votes"].as_u64())
}

async fn bench(
    backend: Backend,
    participants: usize,
    votes_each: usize,
    statements: usize,
) -> Result<()> {
    let database = TestDatabase::create(backend).await;
    let store = Store::connect(&database.url).await?;
    web::demo::seed(&store).await?;
    let assembly_id = climate_id(&store).await?;
    let started = Instant::now();
    let ids = generate(&store, assembly_id, participants, votes_each, statements).await?;
    let written = started.elapsed();
    let total_votes = (participants * votes_each) as u64;

    // The first analysis, timed in its parts (what `drain` does, step by step).
    let started = Instant::now();
    let mut tx = store.begin().await?;
    ensure!(app::conversation::analysis::claim(&mut tx, assembly_id, web::now()).await?);
    tx.commit().await?;
    let mut connection = store.connection().await?;
    let input = app::conversation::analysis::input(&mut connection, assembly_id).await?;
    drop(connection);
    let read = started.elapsed();
    let computing = Instant::now();
    let analysis =
        tokio::task::spawn_blocking(move || app::conversation::analysis::compute(&input)).await?;
    let computed = computing.elapsed();
    let storing = Instant::now();
    let mut tx = store.begin().await?;
    app::conversation::analysis::record(&mut tx, assembly_id, &analysis, web::now()).await?;
    tx.commit().await?;
    let stored = storing.elapsed();
    let first = started.elapsed();
    ensure!(
        analysis.votes == total_votes,
        "{} votes analysed",
        analysis.votes
    );
    let groups: Vec<usize> = analysis.groups.iter().map(|g| g.size).collect();

    // The public results page, the map stored.
    let (base, stopping) = start(&store).await?;
    let page = results_page_ms(&base, assembly_id).await?;
    // What the page read on every view before its figures were stored with the map: the same store calls and the
    // same comparison, timed here (the median of 3).
    let mut before = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let mut connection = store.connection().await?;
        store::conversation::participation(&mut connection, assembly_id).await?;
        store::conversation::participation_by_day(&mut connection, assembly_id).await?;
        store::conversation_verify::verified_counts(&mut connection, assembly_id).await?;
        store::conversation::statements(
            &mut connection,
            assembly_id,
            &[StatementStatus::Accepted],
            i64::MAX,
            0,
        )
        .await?;
        let population: Vec<(String, String, i64)> =
            store::selection::quotas(&mut connection, assembly_id)
                .await?
                .into_iter()
                .map(|quota| (quota.feature, quota.value, quota.share_ppm))
                .collect();
        let answers = store::conversation::all_answers(&mut connection, assembly_id).await?;
        drop(connection);
        let group_ids: Vec<usize> = analysis.groups.iter().map(|g| g.id).collect();
        let compared = app::conversation::demographics::compare(
            &analysis.members,
            &group_ids,
            &answers,
            &population,
        );
        ensure!(!compared.is_empty(), "the groups are compared");
        before.push(started.elapsed());
    }
    before.sort();
    let old_reads = before[1].as_secs_f64() * 1000.0;

    // The last vote through the API, then the map as the ticker updates it.
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let voted = Instant::now();
    let response = reqwest::Client::new()
        .post(format!(
            "{base}/api/v1/assemblies/{assembly_id}/conversation/votes"
        ))
        .json(&serde_json::json!({ "statement_id": ids[0], "vote": "agree" }))
        .send()
        .await?;
    ensure!(
        response.status().is_success(),
        "vote: {}",
        response.status()
    );
    // Polled in the database (one small row), so the polling does not slow the job down; then the API must show it.
    let runs = |store: Store| async move {
        store::test_support::count_raw(
            &store,
            &format!("SELECT analysis_runs FROM conversations WHERE assembly_id = {assembly_id}"),
        )
        .await
    };
    let runs_before = runs(store.clone()).await?;
    loop {
        if runs(store.clone()).await? > runs_before {
            break;
        }
        ensure!(
            voted.elapsed() < Duration::from_secs(120),
            "the map was not updated in 120 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let end_to_end = voted.elapsed();
    let reading = Instant::now();
    ensure!(
        results_votes(&base, assembly_id).await? == Some(total_votes + 1),
        "the API shows the updated map"
    );
    let api = reading.elapsed();
    // The drain alone on one more vote (warm-started from the stored analysis), without the ticker's wait.
    stopping.stop();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut tx = store.begin().await?;
    store::conversation::cast_vote(
        &mut tx,
        assembly_id,
        1_000_000,
        ids[1],
        Stance::Pass,
        web::now(),
    )
    .await?;
    tx.commit().await?;
    let draining = Instant::now();
    let analysed = web::conversation::job::drain(&store, 0)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let incremental = draining.elapsed();
    ensure!(analysed == 1, "drain analysed {analysed}");
    let load = load_before
        .split_whitespace()
        .next()
        .unwrap_or("?")
        .to_owned();
    println!(
        "| {backend:?} | {participants} | {total_votes} | {statements} | {} | {} ({} read, {} engine, {} store) | {} | **{}** | {} | {old_reads:.0} | **{page:.0}** | {groups:?} | {load} |",
        secs(written),
        secs(first),
        secs(read),
        secs(computed),
        secs(stored),
        secs(incremental),
        secs(end_to_end),
        secs(api),
    );
    store.close().await;
    database.drop_database().await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "both".to_owned());
    let participants: usize = args
        .next()
        .map_or(Ok(100_000), |a| a.parse())
        .context("PARTICIPANTS")?;
    let votes_each: usize = args
        .next()
        .map_or(Ok(10), |a| a.parse())
        .context("VOTES_EACH")?;
    let statements: usize = args
        .next()
        .map_or(Ok(200), |a| a.parse())
        .context("STATEMENTS")?;
    ensure!(votes_each <= statements);
    println!(
        "| backend | participants | votes | statements | write (s) | first analysis (s) | drain after one more vote (s) | last vote → updated map, with the ticker (s) | API results read (s) | the page's former per-view reads (ms) | results page GET (ms) | groups | load average |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    if which != "postgres" {
        bench(Backend::Sqlite, participants, votes_each, statements).await?;
    }
    if which != "sqlite" {
        bench(Backend::Postgres, participants, votes_each, statements).await?;
    }
    Ok(())
}
