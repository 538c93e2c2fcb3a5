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
fn serve_demo(database_url: &str) -> (std::process::Child, String, Vec<String>) {
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

fn serve_prints_its_url_and_demo_logins_and_seeds_idempotently(backend: Backend) {
    let runtime = runtime();
    let database = runtime.block_on(TestDatabase::create(backend));
    for run in 0..2 {
        let (mut child, address, printed) = serve_demo(&database.url);
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
