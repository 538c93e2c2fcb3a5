//! Durability of the public conversation's votes (issue 16): the real `klero serve` is killed with SIGKILL while
//! participants vote through the JSON API, restarted on the same database, and every vote that got a success
//! response must be there, with its stance. On SQLite and on PostgreSQL; a few seconds each.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use store::test_support::TestDatabase;
use store::{Backend, Store};

const ORGANISER: (&str, &str) = ("organiser@demo.kleroterion.org", "demo-organiser-password");
const STATEMENTS: usize = 40;
const VOTERS: usize = 24;

/// A running `klero serve`; killed (SIGKILL) when dropped if still running.
struct Server {
    child: Child,
    base_url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(database_url: &str, workdir: &Path, demo: bool) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_klero"));
    command.args([
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        database_url,
        "--trusted-proxy",
        "127.0.0.1",
    ]);
    if demo {
        command.arg("--demo");
    }
    let mut child = command
        .current_dir(workdir)
        .env("KLERO_SECRET_FILE", workdir.join("server.secret"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("klero serve starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !sent && let Some(rest) = line.trim().strip_prefix("Listening on ") {
                let _ = sender.send(rest.trim().to_owned());
                sent = true;
            }
        }
    });
    let base_url = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("klero serve printed `Listening on http://...` within 60 s");
    Server { child, base_url }
}

fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Sets up the demo climate assembly's conversation as its organiser; returns the assembly and statement ids.
async fn set_up(base: &str) -> (i64, Vec<i64>) {
    let assemblies: serde_json::Value = reqwest::get(format!("{base}/api/v1/assemblies"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let assembly_id = assemblies
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Citizens' Convention for Climate")
        .and_then(|a| a["id"].as_i64())
        .expect("the demo's climate assembly");
    let organiser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = organiser
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = organiser
        .post(format!("{base}/login"))
        .form(&[
            ("email", ORGANISER.0),
            ("password", ORGANISER.1),
            ("csrf_token", &csrf_of(&login)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303, "organiser signs in");
    let staff = format!("{base}/staff/assemblies/{assembly_id}/conversation");
    let token = csrf_of(
        &organiser
            .get(&staff)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let response = organiser
        .post(&staff)
        .form(&[
            ("prompt", "What should the city do about the climate?"),
            ("moderation", "accepted_only"),
            ("open", "1"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303, "conversation set up");
    let seeds: Vec<String> = (1..=STATEMENTS)
        .map(|n| format!("Durable statement {n}"))
        .collect();
    let response = organiser
        .post(format!("{staff}/seeds"))
        .form(&[
            ("statements", seeds.join("\n").as_str()),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303, "statements seeded");
    let body: serde_json::Value = reqwest::get(format!(
        "{base}/api/v1/assemblies/{assembly_id}/conversation?limit=1000"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let ids: Vec<i64> = body["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), STATEMENTS);
    (assembly_id, ids)
}

/// An acknowledged vote: the device token the server returned, the statement and the stance.
type Acknowledged = (String, i64, &'static str);

/// One participant voting on every statement in turn, until the server stops answering.
async fn voter(
    client: reqwest::Client,
    base: String,
    assembly_id: i64,
    statements: Arc<Vec<i64>>,
    p: usize,
    acknowledged: Arc<Mutex<Vec<Acknowledged>>>,
) {
    let url = format!("{base}/api/v1/assemblies/{assembly_id}/conversation/votes");
    let address = format!("10.9.{}.{}", p / 200, p % 200 + 1);
    let mut device: Option<String> = None;
    for (k, &statement) in statements.iter().enumerate() {
        let stance = ["agree", "disagree", "pass"][(p + k) % 3];
        let mut body = serde_json::json!({ "statement_id": statement, "vote": stance });
        if let Some(token) = &device {
            body["device_token"] = serde_json::Value::from(token.as_str());
        }
        let Ok(response) = client
            .post(&url)
            .header("x-forwarded-for", &address)
            .json(&body)
            .send()
            .await
        else {
            return;
        };
        if response.status().as_u16() != 200 {
            return;
        }
        let Ok(answer) = response.json::<serde_json::Value>().await else {
            return;
        };
        let token = answer["device_token"].as_str().unwrap().to_owned();
        acknowledged
            .lock()
            .unwrap()
            .push((token.clone(), statement, stance));
        device = Some(token);
    }
}

async fn every_acknowledged_vote_survives_a_kill_9(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let workdir = std::env::temp_dir().join(format!(
        "klero-durability-{backend:?}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&workdir).unwrap();
    let mut server = start_server(&database.url, &workdir, true);
    let base = server.base_url.clone();
    let (assembly_id, statements) = set_up(&base).await;
    let statements = Arc::new(statements);

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let voters: Vec<_> = (0..VOTERS)
        .map(|p| {
            tokio::spawn(voter(
                client.clone(),
                base.clone(),
                assembly_id,
                statements.clone(),
                p,
                acknowledged.clone(),
            ))
        })
        .collect();
    // Kill the server mid-load: once a fair number of votes are in, and long before they are all in.
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 150 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "votes are acknowledged"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
    for task in voters {
        task.await.unwrap();
    }
    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    assert!(
        acknowledged.len() < VOTERS * STATEMENTS,
        "the server was killed before every vote was in ({} of {})",
        acknowledged.len(),
        VOTERS * STATEMENTS
    );

    // Restart on the same database: it starts, and every acknowledged vote is there with its stance.
    let restarted = start_server(&database.url, &workdir, false);
    let body: serde_json::Value = reqwest::get(format!(
        "{}/api/v1/assemblies/{assembly_id}/conversation?limit=1",
        restarted.base_url
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let stored = body["participation"]["votes"].as_i64().unwrap();
    assert!(
        stored >= acknowledged.len() as i64,
        "{stored} votes stored, {} acknowledged",
        acknowledged.len()
    );
    let store = Store::connect(&database.url).await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let votes: std::collections::HashMap<(i64, i64), domain::conversation::Stance> =
        store::conversation::all_votes(&mut connection, assembly_id)
            .await
            .unwrap()
            .into_iter()
            .map(|vote| ((vote.participant_id, vote.statement_id), vote.stance))
            .collect();
    let mut participants = std::collections::HashMap::new();
    let mut missing = Vec::new();
    for (token, statement, stance) in &acknowledged {
        if !participants.contains_key(token) {
            // The store keeps the keyed hash of the device token (`app::conversation::participate::token_hash`).
            let hash = store::sha256_hex(format!("conversation:{assembly_id}:{token}").as_bytes());
            let id = store::conversation::participant_by_token(&mut connection, assembly_id, &hash)
                .await
                .unwrap();
            participants.insert(token.clone(), id);
        }
        let stored = participants[token].and_then(|id| votes.get(&(id, *statement)));
        let expected = domain::conversation::Stance::parse("vote", stance).unwrap();
        if stored != Some(&expected) {
            missing.push((*statement, *stance, stored.copied()));
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged votes lost or changed after kill -9, e.g. {:?}",
        missing.len(),
        acknowledged.len(),
        &missing[..missing.len().min(5)]
    );
    println!(
        "{backend:?}: {} votes acknowledged before SIGKILL, all present after restart ({stored} stored)",
        acknowledged.len()
    );
    drop(connection);
    store.close().await;
    drop(restarted);
    database.drop_database().await;
    let _ = std::fs::remove_dir_all(&workdir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_vote_survives_a_kill_9_on_sqlite() {
    every_acknowledged_vote_survives_a_kill_9(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_vote_survives_a_kill_9_on_postgres() {
    every_acknowledged_vote_survives_a_kill_9(Backend::Postgres).await;
}
