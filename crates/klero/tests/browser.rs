//! Browser tests: starts the real `klero serve --demo` on 127.0.0.1:0 with a fresh SQLite file and
//! a fresh PostgreSQL database, then runs every `tests/browser/*.test.mjs` scenario (Playwright
//! driving Debian's chromium, axe-core on every page) against each, and fails if any scenario fails.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// A running `klero serve` that is killed when dropped.
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

fn start_server(database_url: &str, workdir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_klero"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--database-url", database_url])
        .current_dir(workdir)
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
            println!("[klero serve] {line}");
            if !sent {
                if let Some(rest) = line.trim().strip_prefix("Listening on ") {
                    let _ = sender.send(rest.trim().to_string());
                    sent = true;
                }
            }
        }
    });
    let base_url = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("klero serve printed `Listening on http://...` within 60 s");
    Server { child, base_url }
}

fn run_scenarios(server: &Server, label: &str) -> Vec<String> {
    let browser_dir = repo_root().join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir() && browser_dir.join("node_modules/axe-core").is_dir(),
        "the browser tests need playwright-core and axe-core: run `bash scripts/setup.sh` (or `npm ci` in tests/browser)"
    );
    assert!(
        Path::new(&std::env::var("KLERO_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())).exists(),
        "the browser tests need Debian's chromium at /usr/bin/chromium: run `bash scripts/setup.sh`"
    );
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(&browser_dir)
        .expect("tests/browser is readable")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    scenarios.sort();
    assert!(!scenarios.is_empty(), "no browser scenarios (tests/browser/*.test.mjs) found");
    let screenshots = std::env::temp_dir().join(format!("klero-screenshots-{label}"));
    let mut failures = Vec::new();
    for scenario in scenarios {
        let started = Instant::now();
        let output = Command::new("node")
            .arg(&scenario)
            .current_dir(&browser_dir)
            .env("KLERO_BASE_URL", &server.base_url)
            .env("KLERO_SCREENSHOTS", &screenshots)
            // The whole-flow scenario verifies the published files with the real binary.
            .env("KLERO_BIN", env!("CARGO_BIN_EXE_klero"))
            .output()
            .expect("node runs (install Node.js)");
        let name = scenario.file_name().unwrap().to_string_lossy().to_string();
        println!("--- {name} on {label} ({:.1} s)", started.elapsed().as_secs_f64());
        println!("{}", String::from_utf8_lossy(&output.stdout));
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        if !output.status.success() {
            failures.push(format!("{name} on {label}"));
        }
    }
    failures
}

fn postgres_admin_url() -> String {
    std::env::var("KLERO_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn psql(sql: &str) {
    let status = Command::new("psql")
        .args([postgres_admin_url().as_str(), "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
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
    }

    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let database = format!("klero_browser_{}_{nanos}", std::process::id());
    psql(&format!("CREATE DATABASE {database}"));
    {
        let admin = postgres_admin_url();
        let base = admin.rsplit_once('/').map(|(base, _)| base).unwrap_or(&admin);
        let server = start_server(&format!("{base}/{database}"), &workdir);
        failures.extend(run_scenarios(&server, "postgres"));
    }
    psql(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
    let _ = std::fs::remove_dir_all(&workdir);

    assert!(failures.is_empty(), "browser scenarios failed: {}", failures.join(", "));
}
