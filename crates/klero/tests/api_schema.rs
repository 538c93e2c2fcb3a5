//! The JSON API against its own OpenAPI document: starts the real `klero serve --demo` on 127.0.0.1:0 with a fresh
//! SQLite file and a fresh PostgreSQL database, signs in as the demo organiser through the pages to create an API
//! token, and runs schemathesis (PyPI, installed by `scripts/setup.sh`) against `/api/openapi.json` twice per
//! backend: without a token and with the organiser's. The test fails, with schemathesis's report, on any server error
//! (5xx), any status code the document does not list for the operation, or any response body that does not match the
//! document's schema. The number of examples and the seed are fixed, so the run is bounded and repeatable.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Test cases per operation and phase (schemathesis's `--max-examples`), and the seed of every run.
const MAX_EXAMPLES: &str = "40";
const SEED: &str = "20261204";
/// The checks: no 5xx, only documented status codes, bodies that match the documented schemas.
const CHECKS: &str = "not_a_server_error,status_code_conformance,response_schema_conformance";

/// The schemathesis executable that `scripts/setup.sh` installs in its venv (`KLERO_VENV`, by default
/// `~/.cache/kleroterion-venv`).
fn schemathesis() -> PathBuf {
    let venv = std::env::var("KLERO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            let home = std::env::var("HOME").expect("HOME is set");
            Path::new(&home).join(".cache/kleroterion-venv")
        });
    venv.join("bin/schemathesis")
}

/// A running `klero serve` that is killed when dropped.
struct Server {
    child: Child,
    address: String,
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
        ])
        .current_dir(workdir)
        .env("KLERO_SECRET_FILE", workdir.join("server.secret"))
        // Errors only: a 500's cause is logged at error level and shown if the run fails.
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("klero serve starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !sent && let Some(rest) = line.trim().strip_prefix("Listening on http://") {
                let _ = sender.send(rest.trim().to_string());
                sent = true;
            }
        }
    });
    let address = receiver
        .recv_timeout(Duration::from_secs(120))
        .expect("klero serve printed `Listening on http://...` within 120 s");
    Server { child, address }
}

/// One HTTP/1.1 exchange with the server (`Connection: close`): the status, the `Set-Cookie` values and the body.
fn http(
    address: &str,
    method: &str,
    path: &str,
    cookies: &str,
    form: Option<&str>,
) -> (u16, Vec<String>, String) {
    let mut stream = TcpStream::connect(address).expect("connect to klero serve");
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if !cookies.is_empty() {
        request.push_str(&format!("Cookie: {cookies}\r\n"));
    }
    let body = form.unwrap_or("");
    if form.is_some() {
        request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP response");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let set_cookies = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim().split(';').next().unwrap_or("").to_owned())
        })
        .collect();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, set_cookies, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// The value of the hidden `csrf_token` field of a page.
fn csrf_field(page: &str) -> String {
    let at = page
        .find("name=\"csrf_token\" value=\"")
        .expect("the page has a csrf_token field");
    let rest = &page[at + "name=\"csrf_token\" value=\"".len()..];
    rest[..rest.find('"').expect("closing quote")].to_owned()
}

fn cookie_header(cookies: &[String]) -> String {
    cookies
        .iter()
        .filter(|cookie| !cookie.ends_with('='))
        .cloned()
        .collect::<Vec<_>>()
        .join("; ")
}

/// Signs in as the demo organiser through the pages and creates an API token at `/staff/tokens`.
fn organiser_token(address: &str) -> String {
    let (status, cookies, page) = http(address, "GET", "/login", "", None);
    assert_eq!(status, 200, "GET /login");
    let csrf = csrf_field(&page);
    let form = format!(
        "csrf_token={csrf}&email=organiser%40demo.kleroterion.org&password=demo-organiser-password"
    );
    let (status, mut session, _) = http(
        address,
        "POST",
        "/login",
        &cookie_header(&cookies),
        Some(&form),
    );
    assert_eq!(status, 303, "the demo organiser signs in");
    session.retain(|cookie| cookie.starts_with("klero_session="));
    let session = cookie_header(&session);
    let (status, _, page) = http(address, "GET", "/staff/tokens", &session, None);
    assert_eq!(status, 200, "GET /staff/tokens");
    let form = format!("csrf_token={}&name=schemathesis", csrf_field(&page));
    let (status, _, page) = http(address, "POST", "/staff/tokens", &session, Some(&form));
    assert_eq!(status, 200, "POST /staff/tokens");
    let at = page
        .find("<code class=\"token\">")
        .expect("the new token is shown once");
    let rest = &page[at + "<code class=\"token\">".len()..];
    rest[..rest.find('<').expect("closing tag")].to_owned()
}

/// Runs schemathesis against the server, with `token` as bearer if given; returns a failure message, if any.
fn run_schemathesis(
    server: &Server,
    label: &str,
    token: Option<&str>,
    workdir: &Path,
) -> Option<String> {
    let url = format!("http://{}/api/openapi.json", server.address);
    let mut command = Command::new(schemathesis());
    command
        .args([
            "run",
            &url,
            "--checks",
            CHECKS,
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
        ])
        .args([
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--no-color",
        ])
        .args(["--request-timeout", "30"])
        // A directory of our own, so no schemathesis.toml from elsewhere is read and no report is left in the clone.
        .current_dir(workdir);
    if let Some(token) = token {
        command.args(["--header", &format!("Authorization: Bearer {token}")]);
    }
    let started = Instant::now();
    let output = command.output().unwrap_or_else(|error| {
        panic!(
            "schemathesis could not run ({}: {error}): install it with `bash scripts/setup.sh` \
             (a venv in ~/.cache/kleroterion-venv, or KLERO_VENV)",
            schemathesis().display()
        )
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    // schemathesis's closing summary: operations, phases, failures, test cases and duration.
    let summary: Vec<&str> = stdout
        .lines()
        .skip_while(|line| !line.contains(" SUMMARY "))
        .filter(|line| !line.trim().is_empty())
        .collect();
    println!(
        "schemathesis on {label} ({:.1} s):\n{}",
        started.elapsed().as_secs_f64(),
        summary.join("\n")
    );
    (!output.status.success()).then(|| {
        format!(
            "schemathesis found problems on {label}:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
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

fn check_backend(database_url: &str, label: &str, workdir: &Path) -> Vec<String> {
    let server = start_server(database_url, workdir);
    let token = organiser_token(&server.address);
    let mut failures = Vec::new();
    failures.extend(run_schemathesis(
        &server,
        &format!("{label}, no token"),
        None,
        workdir,
    ));
    failures.extend(run_schemathesis(
        &server,
        &format!("{label}, organiser's token"),
        Some(&token),
        workdir,
    ));
    failures
}

#[test]
fn the_api_keeps_to_its_openapi_document_on_sqlite_and_postgres() {
    let schemathesis = schemathesis();
    assert!(
        schemathesis.is_file(),
        "schemathesis is not installed at {}: run `bash scripts/setup.sh` (it installs schemathesis into the venv \
         ~/.cache/kleroterion-venv, or KLERO_VENV)",
        schemathesis.display()
    );
    let workdir = std::env::temp_dir().join(format!("klero-api-schema-{}", std::process::id()));
    std::fs::create_dir_all(&workdir).unwrap();
    let mut failures = Vec::new();

    let sqlite_path = workdir.join("api.db");
    failures.extend(check_backend(
        &format!("sqlite://{}", sqlite_path.display()),
        "sqlite",
        &workdir,
    ));

    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let database = format!("klero_api_schema_{}_{nanos}", std::process::id());
    psql(&format!("CREATE DATABASE {database}"));
    let admin = postgres_admin_url();
    let base = admin
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(&admin);
    failures.extend(check_backend(
        &format!("{base}/{database}"),
        "postgres",
        &workdir,
    ));
    psql(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
    let _ = std::fs::remove_dir_all(&workdir);

    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
