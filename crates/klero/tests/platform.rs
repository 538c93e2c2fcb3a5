//! CLI tests of `klero serve`, `klero admin create` and `klero audit verify`, running the built binary
//! against a fresh SQLite file and a fresh PostgreSQL database.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use store::Backend;
use store::test_support::TestDatabase;

fn klero(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_klero"))
        .args(args)
        .env("KLERO_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("klero runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn http_get(address: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Starts `klero serve --demo`, returns the child, the printed address and everything printed before it.
#[allow(clippy::zombie_processes)] // The caller kills and waits for the child; a panic here fails the test anyway.
fn serve_demo(
    database_url: &str,
    secret_file: &std::path::Path,
) -> (std::process::Child, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_klero"))
        .args([
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .env("KLERO_LOG", "warn")
        .env("KLERO_SECRET_FILE", secret_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("klero serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    loop {
        let line = lines
            .next()
            .expect("klero serve printed `Listening on`")
            .unwrap();
        if let Some(url) = line.strip_prefix("Listening on http://") {
            let address = url.to_owned();
            let (host, port) = address.rsplit_once(':').unwrap();
            assert_eq!(host, "127.0.0.1");
            assert!(
                port.parse::<u16>().unwrap() > 0,
                "the real port is printed, not 0"
            );
            return (child, address, printed);
        }
        printed.push(line);
    }
}

/// A server secret file for a test database (PostgreSQL needs one given; every instance shares it).
fn secret_file(database: &TestDatabase) -> std::path::PathBuf {
    let name = database.url.rsplit(['/', '\\']).next().unwrap_or("db");
    let name = name.split('?').next().unwrap_or(name);
    std::env::temp_dir().join(format!("{name}.secret-for-test"))
}

fn serve_prints_its_url_and_demo_logins_and_seeds_idempotently(backend: Backend) {
    let runtime = runtime();
    let database = runtime.block_on(TestDatabase::create(backend));
    for run in 0..2 {
        let (mut child, address, printed) = serve_demo(&database.url, &secret_file(&database));
        let printed = printed.join("\n");
        assert!(
            printed.contains("admin@demo.kleroterion.org / demo-admin-password"),
            "{printed}"
        );
        assert!(
            printed.contains("observer@demo.kleroterion.org / demo-observer-password"),
            "{printed}"
        );
        assert!(
            printed.contains("authority@demo.kleroterion.org / demo-authority-password"),
            "{printed}"
        );
        let health = http_get(&address, "/healthz");
        assert!(
            health.starts_with("HTTP/1.1 200") && health.ends_with("ok"),
            "{health}"
        );
        let home = http_get(&address, "/");
        assert!(
            home.contains("Citizens&#39; Convention for Climate"),
            "run {run}: {home}"
        );
        child.kill().unwrap();
        child.wait().unwrap();
    }
    runtime.block_on(async {
        let store = store::Store::connect(&database.url).await.unwrap();
        assert_eq!(
            store::test_support::count_raw(&store, "SELECT COUNT(*) FROM accounts")
                .await
                .unwrap(),
            // The demo logins, plus the climate assembly's members and facilitators without passwords.
            (web::demo::DEMO_LOGINS.len()
                + web::demo::DEMO_MEMBERS.len()
                + web::demo::DEMO_FACILITATORS.len()) as i64
        );
        // The demo convention's illustrative impact data are seeded once, not once per start.
        assert_eq!(
            store::test_support::count_raw(&store, "SELECT COUNT(*) FROM recommendations")
                .await
                .unwrap(),
            149
        );
        assert_eq!(
            store::test_support::count_raw(&store, "SELECT COUNT(*) FROM assemblies")
                .await
                .unwrap(),
            2
        );
        // The water assembly's public conversation is seeded once, and analysed at start: its map is stored.
        assert_eq!(
            store::test_support::count_raw(&store, "SELECT COUNT(*) FROM conversation_participants")
                .await
                .unwrap(),
            web::demo::conversation::DEMO_PARTICIPANTS as i64
        );
        assert_eq!(
            store::test_support::count_raw(
                &store,
                "SELECT COUNT(*) FROM conversations WHERE analysis_json IS NOT NULL AND dirty_at IS NULL"
            )
            .await
            .unwrap(),
            1
        );
        store.close().await;
        database.drop_database().await;
    });
}

fn admin_create_then_audit_verify_finds_tampering(backend: Backend) {
    let runtime = runtime();
    let database = runtime.block_on(TestDatabase::create(backend));
    let url = database.url.as_str();

    let (code, stdout, stderr) = klero(
        &[
            "admin",
            "create",
            "--email",
            "Root@Example.org",
            "--password-stdin",
            "--database-url",
            url,
        ],
        Some("a long enough password\n"),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("Created administrator account"), "{stdout}");
    let (code, _, stderr) = klero(
        &[
            "admin",
            "create",
            "--email",
            "root@example.org",
            "--password-stdin",
            "--database-url",
            url,
        ],
        Some("another long password"),
    );
    assert_ne!(code, 0);
    assert!(stderr.contains("already exists"), "{stderr}");
    let (code, _, stderr) = klero(
        &[
            "admin",
            "create",
            "--email",
            "second@example.org",
            "--password-stdin",
            "--database-url",
            url,
        ],
        Some("short"),
    );
    assert_ne!(code, 0);
    assert!(stderr.contains("password"), "{stderr}");
    let (code, stdout, _) = klero(
        &[
            "admin",
            "create",
            "--email",
            "third@example.org",
            "--database-url",
            url,
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(
        stdout.contains("Password (shown once): "),
        "a random password is generated: {stdout}"
    );

    let (code, stdout, stderr) = klero(&["audit", "verify", "--database-url", url], None);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("Audit chain intact: 2 entries"), "{stdout}");

    runtime.block_on(async {
        let store = store::Store::connect(url).await.unwrap();
        let edited = store::test_support::execute_raw(
            &store,
            "UPDATE audit_log SET after_json = REPLACE(after_json, 'true', 'false') WHERE seq = 1",
        )
        .await
        .unwrap();
        assert_eq!(edited, 1);
        store.close().await;
    });
    let (code, _, stderr) = klero(&["audit", "verify", "--database-url", url], None);
    assert_eq!(code, 1);
    assert!(stderr.contains("Audit chain broken at entry 1"), "{stderr}");

    runtime.block_on(async {
        let store = store::Store::connect(url).await.unwrap();
        store::test_support::execute_raw(
            &store,
            "UPDATE audit_log SET after_json = REPLACE(after_json, 'false', 'true') WHERE seq = 1",
        )
        .await
        .unwrap();
        store::test_support::execute_raw(&store, "DELETE FROM audit_log WHERE seq = 2")
            .await
            .unwrap();
        store.close().await;
    });
    let (code, _, stderr) = klero(&["audit", "verify", "--database-url", url], None);
    assert_eq!(code, 1);
    assert!(stderr.contains("Audit chain broken at entry 2"), "{stderr}");
    runtime.block_on(database.drop_database());
}

#[test]
fn serve_on_sqlite_prints_its_url_and_demo_logins_and_seeds_idempotently() {
    serve_prints_its_url_and_demo_logins_and_seeds_idempotently(Backend::Sqlite);
}

#[test]
fn serve_on_postgres_prints_its_url_and_demo_logins_and_seeds_idempotently() {
    serve_prints_its_url_and_demo_logins_and_seeds_idempotently(Backend::Postgres);
}

#[test]
fn admin_create_then_audit_verify_finds_tampering_on_sqlite() {
    admin_create_then_audit_verify_finds_tampering(Backend::Sqlite);
}

#[test]
fn admin_create_then_audit_verify_finds_tampering_on_postgres() {
    admin_create_then_audit_verify_finds_tampering(Backend::Postgres);
}

/// Issue 14, finding 6: `klero audit verify` on a mistyped path created an empty database and said "intact: 0
/// entries"; it now refuses, and creates nothing.
#[test]
fn audit_verify_refuses_a_database_that_does_not_exist() {
    let missing = std::env::temp_dir().join(format!("klero-missing-{}.db", std::process::id()));
    let (code, stdout, stderr) = klero(
        &[
            "audit",
            "verify",
            "--database-url",
            &missing.display().to_string(),
        ],
        None,
    );
    assert_ne!(code, 0, "{stdout}");
    assert!(stderr.contains("no database at"), "{stderr}");
    assert!(!missing.exists(), "no database was created");
}

/// Issue 14, finding 6: whoever could write the database could edit an entry and recompute the chain, or cut the
/// last entries, and `klero audit verify` still said "intact". An anchor saved from the running server's
/// `/audit/anchor` (signed with a key derived from the secret file, which the database does not hold) shows both.
fn a_saved_anchor_shows_a_rewritten_or_cut_audit_log(backend: Backend) {
    let runtime = runtime();
    let database = runtime.block_on(TestDatabase::create(backend));
    let url = database.url.as_str();
    let secret = secret_file(&database);
    let (mut child, address, _) = serve_demo(url, &secret);
    let response = http_get(&address, "/audit/anchor");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let body = response.split("\r\n\r\n").nth(1).unwrap().to_owned();
    let anchor: serde_json::Value = serde_json::from_str(&body).unwrap();
    let entries = anchor["entries"].as_i64().unwrap();
    assert!(entries > 3, "{body}");
    let anchor_file = std::env::temp_dir().join(format!("{}.anchor.json", secret.display()));
    std::fs::write(&anchor_file, &body).unwrap();
    let anchor_path = anchor_file.display().to_string();
    let secret_path = secret.display().to_string();
    let public_key = anchor["public_key"].as_str().unwrap().to_owned();
    let verify = |extra: &[&str]| {
        let mut args = vec!["audit", "verify", "--database-url", url];
        args.extend_from_slice(extra);
        klero(&args, None)
    };
    let (code, stdout, stderr) = verify(&["--anchor", &anchor_path, "--secret-file", &secret_path]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("holding the published anchor"), "{stdout}");
    // An anchor signed by another key is refused.
    let other = store::secret::ServerSecret::from_bytes([9; 32])
        .audit_signer()
        .public_key_hex();
    let (code, _, stderr) = verify(&["--anchor", &anchor_path, "--public-key", &other]);
    assert_eq!(code, 1);
    assert!(stderr.contains("not valid"), "{stderr}");

    // Rewrite entry 2 and recompute every later hash and the head, as someone with write access would.
    runtime.block_on(async {
        let store = store::Store::connect(url).await.unwrap();
        store::test_support::execute_raw(
            &store,
            "UPDATE audit_log SET after_json = '{\"rewritten\":true}' WHERE seq = 2",
        )
        .await
        .unwrap();
        let mut connection = store.connection().await.unwrap();
        let mut rows = store::audit::recent(&mut connection, 100_000).await.unwrap();
        drop(connection);
        rows.sort_by_key(|row| row.seq);
        let mut prev_hash = rows[0].hash.clone();
        for row in rows.iter().skip(1) {
            let change = store::audit::Change {
                actor_account_id: row.actor_account_id,
                action: &row.action,
                entity: &row.entity,
                before_json: row.before_json.as_deref(),
                after_json: row.after_json.as_deref(),
            };
            let hash = store::audit::entry_hash(row.seq, row.at, &change, &prev_hash);
            store::test_support::execute_raw(
                &store,
                &format!(
                    "UPDATE audit_log SET prev_hash = '{prev_hash}', hash = '{hash}' WHERE seq = {}",
                    row.seq
                ),
            )
            .await
            .unwrap();
            prev_hash = hash;
        }
        store::test_support::execute_raw(
            &store,
            &format!("UPDATE audit_head SET hash = '{prev_hash}' WHERE id = 1"),
        )
        .await
        .unwrap();
        store.close().await;
    });
    let (code, stdout, _) = verify(&[]);
    assert_eq!(
        code, 0,
        "the chain alone checks out after a recomputation: {stdout}"
    );
    let (code, _, stderr) = verify(&["--anchor", &anchor_path, "--public-key", &public_key]);
    assert_eq!(code, 1);
    assert!(stderr.contains("rewritten"), "{stderr}");

    // Cut the last entries and move the head back.
    runtime.block_on(async {
        let store = store::Store::connect(url).await.unwrap();
        store::test_support::execute_raw(
            &store,
            &format!("DELETE FROM audit_log WHERE seq > {}", entries - 2),
        )
        .await
        .unwrap();
        store::test_support::execute_raw(
            &store,
            &format!(
                "UPDATE audit_head SET seq = {0}, hash = (SELECT hash FROM audit_log WHERE seq = {0}) WHERE id = 1",
                entries - 2
            ),
        )
        .await
        .unwrap();
        store.close().await;
    });
    let (code, stdout, _) = verify(&[]);
    assert_eq!(code, 0, "the chain alone checks out after a cut: {stdout}");
    let (code, _, stderr) = verify(&["--anchor", &anchor_path, "--secret-file", &secret_path]);
    assert_eq!(code, 1);
    assert!(stderr.contains("entries cut"), "{stderr}");
    std::fs::remove_file(&anchor_file).ok();
    std::fs::remove_file(&secret).ok();
    runtime.block_on(database.drop_database());
}

#[test]
fn a_saved_anchor_shows_a_rewritten_or_cut_audit_log_on_sqlite() {
    a_saved_anchor_shows_a_rewritten_or_cut_audit_log(Backend::Sqlite);
}

#[test]
fn a_saved_anchor_shows_a_rewritten_or_cut_audit_log_on_postgres() {
    a_saved_anchor_shows_a_rewritten_or_cut_audit_log(Backend::Postgres);
}
