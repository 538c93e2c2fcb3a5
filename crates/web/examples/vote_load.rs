//! Vote load on the public conversation (issue 16): many participants, each with its own device, vote through the
//! real routes of a real server, and the run reports votes per second and latency percentiles.
//!
//! By default it starts the server in this process on a loopback port with a fresh database of each backend (the
//! demo data, the climate assembly's conversation set up by its organiser over HTTP, 100 seed statements) and the
//! background recomputation ticker of `klero serve`, so the opinion map is recomputed during the load as in
//! production. With `--url` it targets a running `klero serve --demo --trusted-proxy 127.0.0.1` instead.
//!
//! Every participant comes from its own client address (`X-Forwarded-For`, believed from the loopback proxy, as
//! behind a real reverse proxy), so the per-address rate limits count each person, and votes on distinct
//! statements one after another. `--concurrency` participants vote at once. Two ways of voting:
//! - `api`: `POST /api/v1/assemblies/{id}/conversation/votes` (JSON; the first vote returns the device token);
//! - `form`: the page's form post without JavaScript, `POST /assemblies/{id}/conversation/votes` (the device
//!   first loads the voting page once for its CSRF cookie, untimed; every vote is timed to its 303).
//!
//! At the end the number of votes stored (the API's participation count) must have grown by exactly the number
//! of acknowledged votes.
//!
//! `cargo run --release -p web --example vote_load -- [sqlite|postgres|both] [--mode api|form|both]
//!  [--participants N] [--votes-each K] [--concurrency C] [--url http://127.0.0.1:PORT]`

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use reqwest::header::{COOKIE, SET_COOKIE};
use store::test_support::TestDatabase;
use store::{Backend, Store};

const ORGANISER: (&str, &str) = ("organiser@demo.kleroterion.org", "demo-organiser-password");
const STATEMENTS: usize = 100;

#[derive(Debug, Clone)]
struct Options {
    backends: Vec<Backend>,
    modes: Vec<Mode>,
    participants: usize,
    votes_each: usize,
    concurrency: usize,
    url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Api,
    Form,
}

fn options() -> Result<Options> {
    let mut options = Options {
        backends: vec![Backend::Sqlite, Backend::Postgres],
        modes: vec![Mode::Api, Mode::Form],
        participants: 2_000,
        votes_each: 10,
        concurrency: 64,
        url: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "sqlite" => options.backends = vec![Backend::Sqlite],
            "postgres" => options.backends = vec![Backend::Postgres],
            "both" => options.backends = vec![Backend::Sqlite, Backend::Postgres],
            "--mode" => {
                options.modes = match value()?.as_str() {
                    "api" => vec![Mode::Api],
                    "form" => vec![Mode::Form],
                    "both" => vec![Mode::Api, Mode::Form],
                    other => bail!("unknown mode {other}"),
                }
            }
            "--participants" => options.participants = value()?.parse()?,
            "--votes-each" => options.votes_each = value()?.parse()?,
            "--concurrency" => options.concurrency = value()?.parse()?,
            "--url" => options.url = Some(value()?.trim_end_matches('/').to_owned()),
            other => bail!("unknown argument {other}"),
        }
    }
    ensure!(
        options.votes_each <= STATEMENTS,
        "at most {STATEMENTS} votes each"
    );
    Ok(options)
}

fn csrf_of(html: &str) -> Result<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).context("no csrf_token on the page")? + marker.len();
    Ok(html[start..].split('"').next().unwrap_or("").to_owned())
}

/// The value of cookie `name` among a response's `Set-Cookie` headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix(prefix.as_str()))
        .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
}

/// The one-minute load average of the machine.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// Starts the real router on a loopback port, believing `X-Forwarded-For` from loopback, with the conversation
/// ticker that `klero serve` runs.
async fn start(store: &Store) -> Result<(String, web::Stopping)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let state = web::AppState {
        store: store.clone(),
        config: Arc::new(web::Config {
            trusted_proxies: vec![std::net::IpAddr::from([127, 0, 0, 1])],
            ..web::Config::default()
        }),
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

/// Signs the organiser in, sets up (or reopens) the climate assembly's conversation with the seed statements, and
/// returns its assembly id and statement ids.
async fn set_up(base: &str, assembly_id: i64) -> Result<Vec<i64>> {
    let organiser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = organiser
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let response = organiser
        .post(format!("{base}/login"))
        .form(&[
            ("email", ORGANISER.0),
            ("password", ORGANISER.1),
            ("csrf_token", &csrf_of(&login)?),
        ])
        .send()
        .await?;
    ensure!(
        response.status().as_u16() == 303,
        "organiser sign-in: {}",
        response.status()
    );
    let staff = format!("{base}/staff/assemblies/{assembly_id}/conversation");
    let page = organiser.get(&staff).send().await?.text().await?;
    let token = csrf_of(&page)?;
    let response = organiser
        .post(&staff)
        .form(&[
            ("prompt", "What should the city do about the climate?"),
            ("moderation", "accepted_only"),
            ("open", "1"),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    ensure!(
        response.status().as_u16() == 303,
        "configure: {}",
        response.status()
    );
    let seeds: Vec<String> = (1..=STATEMENTS)
        .map(|n| format!("Load statement number {n}: the city should act on item {n}"))
        .collect();
    let response = organiser
        .post(format!("{staff}/seeds"))
        .form(&[
            ("statements", seeds.join("\n").as_str()),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    ensure!(
        response.status().as_u16() == 303,
        "seeds: {}",
        response.status()
    );
    let body: serde_json::Value = reqwest::get(format!(
        "{base}/api/v1/assemblies/{assembly_id}/conversation?limit=1000"
    ))
    .await?
    .json()
    .await?;
    let ids: Vec<i64> = body["statements"]
        .as_array()
        .context("statements")?
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .collect();
    ensure!(ids.len() >= STATEMENTS, "{} statements shown", ids.len());
    Ok(ids)
}

async fn stored_votes(base: &str, assembly_id: i64) -> Result<i64> {
    let body: serde_json::Value = reqwest::get(format!(
        "{base}/api/v1/assemblies/{assembly_id}/conversation?limit=1"
    ))
    .await?
    .json()
    .await?;
    body["participation"]["votes"]
        .as_i64()
        .context("participation.votes")
}

/// The client address of participant `p` of run `run` (10.x.y.z: a private range, one address per person).
fn address_of(run: usize, p: usize) -> String {
    let n = run * 1_000_000 + p + 1;
    format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

/// Where and how the participants of one run vote.
struct Target<'a> {
    client: &'a reqwest::Client,
    base: &'a str,
    assembly_id: i64,
    statements: &'a [i64],
    mode: Mode,
    votes_each: usize,
}

/// One participant's votes, one after another; returns the latency of each acknowledged vote.
async fn participant(target: &Target<'_>, address: &str, p: usize) -> Result<Vec<Duration>> {
    let Target {
        client,
        base,
        assembly_id,
        statements,
        mode,
        votes_each,
    } = *target;
    let mut latencies = Vec::with_capacity(votes_each);
    let stances = ["agree", "disagree", "pass"];
    let mut device: Option<String> = None;
    // The form's CSRF cookie and token, from one look at the voting page.
    let csrf = if mode == Mode::Form {
        let response = client
            .get(format!("{base}/assemblies/{assembly_id}/conversation"))
            .header("x-forwarded-for", address)
            .send()
            .await?;
        let cookie = set_cookie(&response, "klero_csrf").context("no CSRF cookie")?;
        let token = csrf_of(&response.text().await?)?;
        Some((cookie, token))
    } else {
        None
    };
    for k in 0..votes_each {
        // Distinct statements for each participant; opinions follow four planted groups.
        let statement = statements[(p * 7 + k * 13) % statements.len()];
        let stance = stances[(p % 4 + statement as usize % 3 + k % 2) % 3];
        let started = Instant::now();
        let response = match (&csrf, mode) {
            (Some((cookie, token)), Mode::Form) => {
                let cookies = match &device {
                    Some(device) => format!("klero_csrf={cookie}; klero_device={device}"),
                    None => format!("klero_csrf={cookie}"),
                };
                client
                    .post(format!(
                        "{base}/assemblies/{assembly_id}/conversation/votes"
                    ))
                    .header("x-forwarded-for", address)
                    .header(COOKIE, cookies)
                    .form(&[
                        ("statement_id", statement.to_string().as_str()),
                        ("vote", stance),
                        ("csrf_token", token),
                    ])
                    .send()
                    .await?
            }
            _ => {
                let mut body = serde_json::json!({ "statement_id": statement, "vote": stance });
                if let Some(device) = &device {
                    body["device_token"] = serde_json::Value::from(device.as_str());
                }
                client
                    .post(format!(
                        "{base}/api/v1/assemblies/{assembly_id}/conversation/votes"
                    ))
                    .header("x-forwarded-for", address)
                    .json(&body)
                    .send()
                    .await?
            }
        };
        let status = response.status().as_u16();
        if mode == Mode::Form {
            ensure!(status == 303, "form vote answered {status}");
            if device.is_none() {
                device = Some(set_cookie(&response, "klero_device").context("no device cookie")?);
            }
            drop(response);
        } else {
            ensure!(status == 200, "API vote answered {status}");
            let body: serde_json::Value = response.json().await?;
            if device.is_none() {
                device = body["device_token"].as_str().map(str::to_owned);
            }
        }
        latencies.push(started.elapsed());
    }
    Ok(latencies)
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

/// One measured run against `base`; prints a table row.
async fn run(
    base: &str,
    assembly_id: i64,
    statements: Arc<Vec<i64>>,
    options: &Options,
    mode: Mode,
    label: &str,
    run_number: usize,
) -> Result<()> {
    let before = stored_votes(base, assembly_id).await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(options.concurrency)
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let load_before = load_average();
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..options.concurrency {
        let client = client.clone();
        let base = base.to_owned();
        let statements = statements.clone();
        let next = next.clone();
        let (participants, votes_each) = (options.participants, options.votes_each);
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            let mut first_failure = None;
            loop {
                let p = next.fetch_add(1, Ordering::Relaxed);
                if p >= participants {
                    break;
                }
                let address = address_of(run_number, p);
                let target = Target {
                    client: &client,
                    base: &base,
                    assembly_id,
                    statements: &statements,
                    mode,
                    votes_each,
                };
                match participant(&target, &address, p).await {
                    Ok(mut done) => latencies.append(&mut done),
                    Err(error) => {
                        failures += 1;
                        first_failure.get_or_insert(error.to_string());
                    }
                }
            }
            (latencies, failures, first_failure)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    let mut first_failure = None;
    for worker in workers {
        let (mut done, failed, first) = worker.await?;
        latencies.append(&mut done);
        failures += failed;
        if first_failure.is_none() {
            first_failure = first;
        }
    }
    let elapsed = started.elapsed();
    let load_after = load_average();
    ensure!(
        failures == 0,
        "{failures} participants failed, first: {first_failure:?}"
    );
    let after = stored_votes(base, assembly_id).await?;
    ensure!(
        after - before == latencies.len() as i64,
        "{} votes acknowledged but {} stored",
        latencies.len(),
        after - before
    );
    latencies.sort();
    let at = |q: f64| {
        latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    println!(
        "| {label} | {mode:?} | {} | {} | {} | {:.2} | **{:.0}** | {} | {} | {} | {} | {load_before} → {load_after} |",
        options.participants,
        latencies.len(),
        options.concurrency,
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(at(0.50)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(*latencies.last().unwrap()),
    );
    Ok(())
}

async fn climate_id(store: &Store) -> Result<i64> {
    Ok(store::test_support::count_raw(
        store,
        "SELECT id FROM assemblies WHERE title = 'Citizens'' Convention for Climate'",
    )
    .await?)
}

#[tokio::main]
async fn main() -> Result<()> {
    let options = options()?;
    println!(
        "| server | way | participants | votes | concurrent | seconds | votes/s | p50 ms | p95 ms | p99 ms | max ms | load average (1 min) before → after |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut run_number = 0;
    if let Some(base) = &options.url {
        // A running demo server: the climate assembly is the demo's first.
        let body: serde_json::Value = reqwest::get(format!("{base}/api/v1/assemblies"))
            .await?
            .json()
            .await?;
        let assembly_id = body
            .as_array()
            .and_then(|items| {
                items
                    .iter()
                    .find(|a| a["title"] == "Citizens' Convention for Climate")
            })
            .and_then(|a| a["id"].as_i64())
            .context("the demo's climate assembly")?;
        let statements = Arc::new(set_up(base, assembly_id).await?);
        for &mode in &options.modes {
            run_number += 1;
            run(
                base,
                assembly_id,
                statements.clone(),
                &options,
                mode,
                base,
                run_number,
            )
            .await?;
        }
        return Ok(());
    }
    for &backend in &options.backends {
        let database = TestDatabase::create(backend).await;
        let store = Store::connect(&database.url).await?;
        web::demo::seed(&store).await?;
        let (base, stopping) = start(&store).await?;
        let assembly_id = climate_id(&store).await?;
        let statements = Arc::new(set_up(&base, assembly_id).await?);
        for &mode in &options.modes {
            run_number += 1;
            let label = format!("{backend:?}");
            run(
                &base,
                assembly_id,
                statements.clone(),
                &options,
                mode,
                &label,
                run_number,
            )
            .await?;
        }
        stopping.stop();
        store.close().await;
        database.drop_database().await;
    }
    Ok(())
}
