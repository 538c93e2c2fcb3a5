//! Browser tests: starts the real `klero serve --demo` on 127.0.0.1:0 with a fresh SQLite file and
//! a fresh PostgreSQL database, then runs every `tests/browser/*.test.mjs` scenario (Playwright
//! driving Debian's chromium, axe-core on every page) against each, and fails if any scenario fails.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// A running `klero serve` that is killed when dropped; every line it logs is kept in `logs`.
struct Server {
    child: Child,
    base_url: String,
    /// The development message log the server writes members' codes to.
    message_log: PathBuf,
    logs: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// The email addresses in a line of text (`local@domain.tld`), for the check that logs carry no personal data.
fn emails_in(line: &str) -> Vec<String> {
    let is_part = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let mut found = Vec::new();
    for (at, _) in line.match_indices('@') {
        let local: String = line[..at]
            .chars()
            .rev()
            .take_while(|c| is_part(*c))
            .collect();
        let domain: String = line[at + 1..].chars().take_while(|c| is_part(*c)).collect();
        let domain = domain.trim_end_matches('.');
        if !local.is_empty()
            && domain.contains('.')
            && domain
                .rsplit('.')
                .next()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        {
            found.push(format!(
                "{}@{domain}",
                local.chars().rev().collect::<String>()
            ));
        }
    }
    found
}

#[test]
fn the_email_finder_finds_addresses_and_nothing_else() {
    assert_eq!(
        emails_in("login of ada.l@example.org failed"),
        vec!["ada.l@example.org".to_owned()]
    );
    assert_eq!(
        emails_in("uri=/r/ABCD-1234 @ 12:00, user@localhost"),
        Vec::<String>::new()
    );
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(database_url: &str, workdir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_klero"))
        .args([
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            database_url,
            // Members' sign-in codes go to this file (the development transport), where the scenarios read them
            // as a member reads their email: no page shows a code to staff.
            "--dev-message-log",
            &workdir.join("messages.jsonl").to_string_lossy(),
        ])
        .current_dir(workdir)
        .env("KLERO_SECRET_FILE", workdir.join("server.secret"))
        // Informational logs and every request line, so that the check after the scenarios sees what an operator's
        // log would hold.
        .env("RUST_LOG", "info,tower_http=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("klero serve starts");
    let logs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let stderr = child.stderr.take().expect("piped stderr");
    let stderr_logs = logs.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            stderr_logs.lock().unwrap().push(line);
        }
    });
    let stdout = child.stdout.take().expect("piped stdout");
    let stdout_logs = logs.clone();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("[klero serve] {line}");
            stdout_logs.lock().unwrap().push(line.clone());
            if !sent && let Some(rest) = line.trim().strip_prefix("Listening on ") {
                let _ = sender.send(rest.trim().to_string());
                sent = true;
            }
        }
    });
    let base_url = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("klero serve printed `Listening on http://...` within 60 s");
    Server {
        child,
        base_url,
        message_log: workdir.join("messages.jsonl"),
        logs,
    }
}

/// Fails (returns a message) if the server's logs hold an email address: the scenarios register, import, confirm
/// and sign in people with addresses, and none of it may reach a log line or a logged URL.
fn personal_data_in_logs(server: &Server, label: &str) -> Option<String> {
    let logs = server.logs.lock().unwrap();
    assert!(
        logs.len() > 100,
        "the {label} server logged {} lines: the request log is missing",
        logs.len()
    );
    let leaks: Vec<String> = logs
        .iter()
        // The demo's own accounts are public (the README lists them, and `serve --demo` prints them at start).
        .filter(|line| {
            emails_in(line)
                .iter()
                .any(|email| !email.ends_with("@demo.kleroterion.org"))
        })
        .take(5)
        .map(|line| format!("  {line}"))
        .collect();
    (!leaks.is_empty()).then(|| {
        format!(
            "email addresses in the {label} server's logs:\n{}",
            leaks.join("\n")
        )
    })
}

fn run_scenarios(server: &Server, label: &str) -> Vec<String> {
    let browser_dir = repo_root().join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir()
            && browser_dir.join("node_modules/axe-core").is_dir(),
        "the browser tests need playwright-core and axe-core: run `bash scripts/setup.sh` (or `npm ci` in tests/browser)"
    );
    assert!(
        Path::new(&std::env::var("KLERO_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()))
            .exists(),
        "the browser tests need Debian's chromium at /usr/bin/chromium: run `bash scripts/setup.sh`"
    );
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(&browser_dir)
        .expect("tests/browser is readable")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    scenarios.sort();
    assert!(
        !scenarios.is_empty(),
        "no browser scenarios (tests/browser/*.test.mjs) found"
    );
    let screenshots = std::env::temp_dir().join(format!("klero-screenshots-{label}"));
    let mut failures = Vec::new();
    for scenario in scenarios {
        let started = Instant::now();
        let output = Command::new("node")
            .arg(&scenario)
            .current_dir(&browser_dir)
            .env("KLERO_BASE_URL", &server.base_url)
            .env("KLERO_MESSAGE_LOG", &server.message_log)
            .env("KLERO_SCREENSHOTS", &screenshots)
            // The whole-flow scenario verifies the published files with the real binary.
            .env("KLERO_BIN", env!("CARGO_BIN_EXE_klero"))
            .output()
            .expect("node runs (install Node.js)");
        let name = scenario.file_name().unwrap().to_string_lossy().to_string();
        println!(
            "--- {name} on {label} ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
        println!("{}", String::from_utf8_lossy(&output.stdout));
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        if !output.status.success() {
            failures.push(format!("{name} on {label}"));
        }
    }
    failures
}

fn postgres_admin_url() -> String {
    std::env::var("KLERO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn psql(sql: &str) {
    let status = Command::new("psql")
        .args([
            postgres_admin_url().as_str(),
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            sql,
        ])
        .status()
        .expect("psql runs (install PostgreSQL's client)");
    assert!(
        status.success(),
        "psql failed on `{sql}`: is PostgreSQL running on 127.0.0.1:5432? Start it with `bash scripts/start-postgres.sh`"
    );
}

#[test]
fn browser_scenarios_pass_on_sqlite_and_postgres() {
    let workdir = std::env::temp_dir().join(format!("klero-browser-{}", std::process::id()));
    std::fs::create_dir_all(&workdir).unwrap();
    let mut failures = Vec::new();

    let sqlite_path = workdir.join("browser.db");
    let _ = std::fs::remove_file(&sqlite_path);
    {
        let server = start_server(&format!("sqlite://{}", sqlite_path.display()), &workdir);
        failures.extend(run_scenarios(&server, "sqlite"));
        failures.extend(personal_data_in_logs(&server, "sqlite"));
    }

    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let database = format!("klero_browser_{}_{nanos}", std::process::id());
    psql(&format!("CREATE DATABASE {database}"));
    {
        let admin = postgres_admin_url();
        let base = admin
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&admin);
        let server = start_server(&format!("{base}/{database}"), &workdir);
        failures.extend(run_scenarios(&server, "postgres"));
        failures.extend(personal_data_in_logs(&server, "postgres"));
    }
    psql(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
    let _ = std::fs::remove_dir_all(&workdir);

    assert!(
        failures.is_empty(),
        "browser scenarios failed: {}",
        failures.join(", ")
    );
}
