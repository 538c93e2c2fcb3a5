//! The web server: server-rendered pages (askama, no JavaScript needed), the JSON API under `/api/v1`,
//! and the health checks.
//!
//! Every route is declared once in [`routes::routes`] with the [`domain::permission::Action`] it performs;
//! one middleware ([`guard::guard`]) resolves the visitor's role, asks the permission table, checks the CSRF token of every form
//! and picks the language before any handler runs.
//! The server keeps no state in memory: sessions, throttling and tokens are in the database.

pub mod api;
pub mod assembly;
pub mod auth;
// Community assemblies (issue 16, item 2).
pub mod community;
// The CSV imports' line reader, preview and templates, shared by every import (issue 18, item 1).
pub mod csv_import;
// The public conversation (issue 16, part 1).
pub mod conversation;
pub mod deliberation;
pub mod delivery;
pub mod demo;
pub mod effects;
pub mod error;
pub mod form;
pub mod guard;
pub mod i18n;
pub mod impact;
pub mod impact_demo;
pub mod limits;
pub mod mail;
pub mod paging;
pub mod public;
pub mod recruitment;
pub mod routes;
pub mod security;
pub mod selection;
pub mod signin;
pub mod sms;
pub mod staff;
pub mod upload;
pub mod views;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::Router;
use store::Store;
use tokio::net::TcpListener;

/// Settings of the web server.
#[derive(Debug, Clone)]
pub struct Config {
    /// How long a login session lasts, in seconds.
    pub session_seconds: i64,
    /// The largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// The largest body of a route that takes file uploads (an address list, a respondents file), in bytes.
    pub upload_limit_bytes: usize,
    /// Add `Secure` to cookies (when served over HTTPS).
    pub secure_cookies: bool,
    /// The login throttling policy.
    pub throttle: store::auth::ThrottlePolicy,
    /// The SMTP relay for outgoing email; `None` (the demo) sends nothing and says so on organisers' pages.
    pub mail: Option<mail::MailConfig>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`); empty: the socket's peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The site's public address (`--public-url`), for links printed in letters and emails; `None` (tests) falls
    /// back to the request's `Host` header, which a client controls, so `klero serve` always sets it.
    pub public_url: Option<String>,
    /// The server secret, kept outside the database: it seals ballot choices until close and signs the audit
    /// chain's head. The default is a random secret held in memory (tests); `klero serve` reads it from a file.
    pub secret: store::secret::ServerSecret,
    /// The rate limits of anonymous writes (comments, public survey answers), per client address.
    pub public_limits: limits::PublicLimits,
    /// The development and test transport of members' sign-in codes (`--dev-message-log`): email (without a
    /// relay) and SMS (without a sender) are written to this file instead of being sent. Never in production.
    pub message_log: Option<mail::MessageLog>,
    /// The SMS sender of members' sign-in codes; `None`: codes by SMS fail as "not configured" (or go to the
    /// development message log).
    pub sms: Option<Arc<dyn delivery::SmsSender>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            session_seconds: 8 * 3600,
            body_limit_bytes: 64 * 1024,
            // 100,000 addresses are about 5 MB of CSV; a city-wide list of a million fits too.
            upload_limit_bytes: 64 * 1024 * 1024,
            secure_cookies: false,
            throttle: store::auth::ThrottlePolicy::DEFAULT,
            mail: None,
            trusted_proxies: Vec::new(),
            public_url: None,
            secret: store::secret::ServerSecret::random()
                .expect("the operating system's random source"),
            public_limits: limits::PublicLimits::DEFAULT,
            message_log: None,
            sms: None,
        }
    }
}

/// What every handler can reach: the store and the configuration.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The settings.
    pub config: Arc<Config>,
    /// Set when the server is asked to stop: background jobs (selection runs) end at their next progress report.
    pub stopping: Stopping,
}

/// A flag shared by the server and its background jobs, set once when the server is asked to stop (Ctrl-C or
/// SIGTERM), so that a long selection run does not keep the process alive; the run is marked failed. It also counts
/// the jobs still running, so that the server can wait for them to record how they ended.
#[derive(Debug, Clone, Default)]
pub struct Stopping {
    flag: Arc<AtomicBool>,
    jobs: Arc<AtomicUsize>,
}

/// A running background job, counted by [`Stopping`] until dropped.
#[derive(Debug)]
pub struct Job(Arc<AtomicUsize>);

impl Drop for Job {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Stopping {
    /// Asks the background jobs to end.
    pub fn stop(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }

    /// Whether the server is stopping.
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Counts a background job until the returned value is dropped.
    pub fn job(&self) -> Job {
        self.jobs.fetch_add(1, Ordering::SeqCst);
        Job(self.jobs.clone())
    }

    /// Waits until no background job is running, at most `within`; returns whether they all ended.
    pub async fn jobs_ended(&self, within: std::time::Duration) -> bool {
        let started = std::time::Instant::now();
        while self.jobs.load(Ordering::SeqCst) > 0 {
            if started.elapsed() >= within {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        true
    }
}

/// Builds the whole application: every route with its permission check, plus the shared layers.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// Serves `app` on `listener` until the process receives Ctrl-C or SIGTERM, then sets `stopping` (the state's flag)
/// so that running selection runs end too, and waits (a few seconds at most) until they have recorded their end.
pub async fn serve(listener: TcpListener, app: Router, stopping: Stopping) -> std::io::Result<()> {
    let jobs = stopping.clone();
    // The peer address feeds the registration form's per-IP rate limit.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("stopping: running selection runs end at their next progress report and are marked failed");
        stopping.stop();
    })
    .await?;
    if !jobs.jobs_ended(std::time::Duration::from_secs(8)).await {
        tracing::warn!(
            "a selection run did not end in time; it is marked failed at the next start"
        );
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// The current time in unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|duration| duration.as_secs() as i64)
        .unwrap_or(0)
}
