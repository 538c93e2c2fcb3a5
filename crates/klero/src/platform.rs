//! `klero serve`, `klero admin` and `klero audit`: the platform's commands.
//!
//! Each command builds its own tokio runtime (main is synchronous), connects to the store (SQLite file by default,
//! PostgreSQL for `postgres://` URLs; migrations run on connect) and hands over to the `web` and `store` crates.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

/// The SQLite file used when no database URL is given.
const DEFAULT_DATABASE: &str = "kleroterion.db";

/// Arguments of `klero serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Database: a SQLite file path or sqlite: URL (created if missing), or a postgres:// URL.
    #[arg(long, env = "KLERO_DATABASE_URL", default_value = DEFAULT_DATABASE)]
    database_url: String,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "KLERO_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Seed demo accounts and assemblies (idempotent) and print the demo logins.
    #[arg(long)]
    demo: bool,
    /// Mark cookies `Secure` (served over HTTPS, e.g. behind a TLS proxy); implied when --public-url is https://.
    #[arg(long, env = "KLERO_SECURE_COOKIES")]
    secure_cookies: bool,
    /// The address of a reverse proxy whose `X-Forwarded-For` header names the client (repeat for each hop; or
    /// `KLERO_TRUSTED_PROXY`, comma-separated). Rate limits and the sign-in throttle then count the real client,
    /// not the proxy. Without it the header is ignored.
    #[arg(
        long = "trusted-proxy",
        env = "KLERO_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// The SMTP relay for outgoing email: smtps:// (implicit TLS), smtp+starttls:// (STARTTLS required), smtp://
    /// (plain, to a loopback address only) or smtp+insecure:// (plain to a relay on a network you trust; never with
    /// credentials), then [user[:password]@]host[:port].
    /// Without it, no email is sent and organisers are told.
    #[arg(
        long,
        env = "KLERO_SMTP_URL",
        hide_env_values = true,
        requires_all = ["mail_from", "public_url"]
    )]
    smtp_url: Option<String>,
    /// The sender address of outgoing email.
    #[arg(long, env = "KLERO_MAIL_FROM")]
    mail_from: Option<String>,
    /// The server's public address (`https://assembly.example.org`), for the links printed in letters and sent in
    /// emails; required with --smtp-url. Without it, links use the address the server listens on.
    #[arg(long, env = "KLERO_PUBLIC_URL")]
    public_url: Option<String>,
    /// The server secret file (64 hexadecimal digits), created with mode 0600 if missing. It seals ballot choices
    /// until their ballot closes and signs the audit log's head, so keep it out of database backups (and back it up
    /// on its own). Default for SQLite: `NAME.secret` next to the database file `NAME.db`; required for PostgreSQL,
    /// where every server instance must be given the same file.
    #[arg(long, env = "KLERO_SECRET_FILE")]
    secret_file: Option<std::path::PathBuf>,
    /// Development and tests only: write members' sign-in code messages (email without --smtp-url, and SMS) to
    /// this file, one JSON line each, code included, instead of sending them. Never on a real site: whoever reads
    /// the file can sign in as the members. The server's own log never holds a code.
    #[arg(long, env = "KLERO_DEV_MESSAGE_LOG")]
    dev_message_log: Option<std::path::PathBuf>,
    /// The HTTP API of an SMS gateway that sends members' sign-in codes by SMS: each SMS is a POST of the fields
    /// `to`, `from` and `text` (see --sms-format) with `Authorization: Bearer` and --sms-token. http:// only (no
    /// TLS stack is built in): a gateway on your network, or a provider behind a local TLS proxy. Without it, codes
    /// by SMS fail as "not configured".
    #[arg(long, env = "KLERO_SMS_URL", requires = "sms_from")]
    sms_url: Option<String>,
    /// The bearer token of the SMS gateway (may be empty).
    #[arg(
        long,
        env = "KLERO_SMS_TOKEN",
        hide_env_values = true,
        default_value = ""
    )]
    sms_token: String,
    /// The sender id shown on members' phones (1 to 20 characters).
    #[arg(long, env = "KLERO_SMS_FROM")]
    sms_from: Option<String>,
    /// How the SMS gateway takes the fields: `form` (application/x-www-form-urlencoded) or `json`.
    #[arg(long, env = "KLERO_SMS_FORMAT", default_value = "form")]
    sms_format: String,
}

/// Arguments of `klero admin`.
#[derive(clap::Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(clap::Subcommand)]
enum AdminCommand {
    /// Create a platform administrator.
    Create {
        /// The administrator's email address.
        #[arg(long)]
        email: String,
        /// The name shown to other staff.
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// Read the password from standard input (otherwise a random one is generated and printed).
        #[arg(long)]
        password_stdin: bool,
        /// Database: a SQLite file path or sqlite: URL, or a postgres:// URL.
        #[arg(long, env = "KLERO_DATABASE_URL", default_value = DEFAULT_DATABASE)]
        database_url: String,
    },
}

/// Arguments of `klero audit`.
#[derive(clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(clap::Subcommand)]
enum AuditCommand {
    /// Check the hash chain: exit 0 if intact, 1 naming the first bad entry. With `--anchor`, also check that the
    /// log still holds an anchor published earlier (so a rewrite by someone who can write the database shows).
    Verify {
        /// Database: an existing SQLite file path or sqlite: URL, or a postgres:// URL (never created).
        #[arg(long, env = "KLERO_DATABASE_URL", default_value = DEFAULT_DATABASE)]
        database_url: String,
        /// A published anchor: the JSON of the server's `/audit/anchor`, saved earlier.
        #[arg(long)]
        anchor: Option<std::path::PathBuf>,
        /// The server's audit public key (hexadecimal, as published), to check the anchor's signature.
        #[arg(long, requires = "anchor", conflicts_with = "secret_file")]
        public_key: Option<String>,
        /// Or the server secret file, from which that key is derived.
        #[arg(long, requires = "anchor")]
        secret_file: Option<std::path::PathBuf>,
    },
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("start the async runtime")
}

fn init_tracing() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("KLERO_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

async fn connect(database_url: &str) -> anyhow::Result<store::Store> {
    // The URL may hold a password: say only which backend failed.
    let backend = store::Backend::from_url(&store::normalise_url(database_url))
        .map(|backend| format!("{backend:?}"))
        .unwrap_or_else(|_| "unknown".to_owned());
    store::Store::connect(database_url)
        .await
        .with_context(|| format!("connect to the {backend} database and migrate it"))
}

/// Where the SQLite database of `database_url` lives, if it is a file.
fn sqlite_path(database_url: &str) -> Option<std::path::PathBuf> {
    let url = store::normalise_url(database_url);
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    Some(std::path::PathBuf::from(path))
}

/// The secret file of a server: the one given, or for SQLite `NAME.secret` next to the database file `NAME.db`.
fn secret_path(
    database_url: &str,
    given: Option<&std::path::Path>,
) -> anyhow::Result<Option<std::path::PathBuf>> {
    if let Some(path) = given {
        return Ok(Some(path.to_owned()));
    }
    match store::Backend::from_url(&store::normalise_url(database_url))? {
        store::Backend::Sqlite => Ok(sqlite_path(database_url).map(|database| {
            let stem = database
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_else(|| "kleroterion".to_owned());
            database.with_file_name(format!("{stem}.secret"))
        })),
        store::Backend::Postgres => anyhow::bail!(
            "PostgreSQL needs --secret-file (or KLERO_SECRET_FILE): a file of 64 hexadecimal digits kept apart from \
             database backups, the same on every server instance (it is created if missing; `openssl rand -hex 32` \
             makes one)"
        ),
    }
}

/// Reads (or creates, mode 0600) the server secret of `klero serve`.
fn server_secret(
    database_url: &str,
    given: Option<&std::path::Path>,
) -> anyhow::Result<store::secret::ServerSecret> {
    let Some(path) = secret_path(database_url, given)? else {
        // An in-memory SQLite database lives as long as the process: so may its secret.
        return Ok(store::secret::ServerSecret::random()?);
    };
    let (secret, created) = store::secret::ServerSecret::load_or_create(&path)
        .with_context(|| format!("read or create the server secret file {}", path.display()))?;
    if created {
        tracing::info!(path = %path.display(), "created the server secret file: keep it out of database backups");
    }
    Ok(secret)
}

/// `klero serve`.
pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_tracing();
    // Checked before anything starts; the error names the option, never the password.
    if let Some(url) = &args.public_url {
        let url = url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || url.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            anyhow::bail!("--public-url must be an http:// or https:// address");
        }
    }
    let mail = match (&args.smtp_url, &args.mail_from) {
        (Some(url), Some(from)) => Some(web::mail::MailConfig::parse(
            url,
            from,
            args.public_url.as_deref().unwrap_or_default(),
        )?),
        _ => None,
    };
    let secret = server_secret(&args.database_url, args.secret_file.as_deref())?;
    let sms = match &args.sms_url {
        Some(url) => {
            let format = web::sms::SmsFormat::parse(&args.sms_format)
                .context("--sms-format must be form or json")?;
            let from = args.sms_from.as_deref().unwrap_or_default();
            let sender = web::sms::HttpSms::new(url, &args.sms_token, from, format)?;
            Some(Arc::new(sender) as Arc<dyn web::delivery::SmsSender>)
        }
        None => None,
    };
    let runtime = runtime()?;
    let result = runtime.block_on(async move {
        let store = connect(&args.database_url).await?;
        if mail.is_none() {
            tracing::info!("no SMTP relay configured: emails are not sent");
        }
        // A run left "running" by a server that stopped would otherwise block its assembly forever.
        for run_id in web::selection::recover_interrupted_runs(&store)
            .await
            .context("recover interrupted selection runs")?
        {
            tracing::warn!(
                run_id,
                "selection run interrupted by a restart; marked failed"
            );
        }
        if args.demo {
            web::demo::seed(&store)
                .await
                .context("seed the demo data")?;
            web::demo::conversation::seed_conversation(&store)
                .await
                .context("seed the demo conversation")?;
        }
        let listener = tokio::net::TcpListener::bind(&args.bind)
            .await
            .with_context(|| format!("bind {}", args.bind))?;
        let address = listener.local_addr().context("read the bound address")?;
        let public_url = match &args.public_url {
            Some(url) => url.trim().trim_end_matches('/').to_owned(),
            None => format!("http://{address}"),
        };
        let state = web::AppState {
            store: store.clone(),
            config: Arc::new(web::Config {
                secure_cookies: args.secure_cookies || public_url.starts_with("https://"),
                public_url: Some(public_url),
                mail,
                trusted_proxies: args.trusted_proxies,
                secret,
                message_log: args.dev_message_log.map(web::mail::MessageLog::new),
                sms,
                ..web::Config::default()
            }),
            stopping: web::Stopping::default(),
        };
        // Letter print runs whose server stopped are taken over at their next file, in the background.
        let resumed = web::recruitment::print::resume_stale_runs(&state)
            .await
            .context("resume letter print runs")?;
        if resumed > 0 {
            tracing::info!(runs = resumed, "letter print runs resumed");
        }
        if state.config.message_log.is_some() {
            tracing::warn!("--dev-message-log: members' sign-in codes are written to a file, not sent (development only)");
        }
        let stopping = state.stopping.clone();
        // Members' sign-in codes waiting in the database are delivered by every instance, one claim at a time.
        web::delivery::spawn_ticker(store.clone(), state.config.clone(), stopping.clone());
        let app = web::app(state);
        // Table allocations queued before a restart are computed now, in the background.
        web::assembly::spawn_drain(store.clone());
        // The public conversations' opinion maps are recomputed in the background, a few seconds after votes.
        web::conversation::job::spawn_ticker(store.clone(), stopping.clone());
        let mut stdout = std::io::stdout().lock();
        if args.demo {
            writeln!(stdout, "Demo logins (email / password):")?;
            for login in web::demo::DEMO_LOGINS {
                writeln!(
                    stdout,
                    "  {:<12} {} / {}",
                    login.role, login.email, login.password
                )?;
            }
        }
        writeln!(stdout, "Listening on http://{address}")?;
        stdout.flush()?;
        drop(stdout);
        tracing::info!(%address, backend = ?store.backend(), "serving");
        web::serve(listener, app, stopping)
            .await
            .context("serve HTTP")?;
        store.close().await;
        Ok(ExitCode::SUCCESS)
    });
    // A job still on a blocking thread (a selection run between two progress reports) may hold the runtime for a
    // moment; never longer than this.
    runtime.shutdown_timeout(std::time::Duration::from_secs(10));
    result
}

/// `klero admin create`.
pub fn admin(args: AdminArgs) -> anyhow::Result<ExitCode> {
    let AdminCommand::Create {
        email,
        name,
        password_stdin,
        database_url,
    } = args.command;
    let (password, generated) = if password_stdin {
        let mut input = String::new();
        std::io::stdin()
            .read_to_string(&mut input)
            .context("read the password from standard input")?;
        (input.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        let mut bytes = [0u8; 18];
        getrandom_fill(&mut bytes)?;
        (hex::encode(bytes), true)
    };
    runtime()?.block_on(async move {
        let store = connect(&database_url).await?;
        let result = web::signin::create_administrator(&store, &email, &name, &password).await;
        store.close().await;
        match result {
            Ok(id) => {
                println!("Created administrator account {id}.");
                if generated {
                    println!("Password (shown once): {password}");
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(web::error::AppError::Conflict(_)) => {
                anyhow::bail!("an account with this email already exists")
            }
            Err(web::error::AppError::Invalid(error)) => anyhow::bail!("invalid {error}"),
            Err(other) => Err(anyhow::Error::new(other).context("create the administrator")),
        }
    })
}

fn getrandom_fill(bytes: &mut [u8]) -> anyhow::Result<()> {
    // The web crate owns the random source; reuse it through a token.
    let token =
        web::security::random_token(bytes.len()).map_err(|error| anyhow::anyhow!("{error}"))?;
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&token[index * 2..index * 2 + 2], 16).unwrap_or(0);
    }
    Ok(())
}

/// An anchor as `/audit/anchor` publishes it.
struct PublishedAnchor {
    entries: i64,
    head: String,
    signature: String,
    public_key: String,
}

fn read_anchor(path: &std::path::Path) -> anyhow::Result<PublishedAnchor> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("read the anchor {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("the anchor {} is not JSON", path.display()))?;
    let text_field = |name: &str| {
        value[name]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("the anchor has no `{name}`"))
    };
    Ok(PublishedAnchor {
        entries: value["entries"]
            .as_i64()
            .context("the anchor has no `entries`")?,
        head: text_field("head")?,
        signature: text_field("signature")?,
        public_key: text_field("public_key")?,
    })
}

/// `klero audit verify`.
pub fn audit(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify {
        database_url,
        anchor,
        public_key,
        secret_file,
    } = args.command;
    // A mistyped path must not become a new, empty (and so "intact") database.
    if let Some(path) = sqlite_path(&database_url)
        && !path.exists()
    {
        anyhow::bail!(
            "no database at {}: `klero audit verify` checks an existing database and never creates one",
            path.display()
        );
    }
    let anchor = anchor.as_deref().map(read_anchor).transpose()?;
    if let Some(anchor) = &anchor {
        let (key, source, from_anchor) = match (public_key, secret_file) {
            (Some(key), _) => (key, "the given public key", false),
            (None, Some(path)) => (
                store::secret::ServerSecret::load(&path)
                    .with_context(|| format!("read the server secret file {}", path.display()))?
                    .audit_signer()
                    .public_key_hex(),
                "the key derived from the secret file",
                false,
            ),
            (None, None) => (
                anchor.public_key.clone(),
                "the key written in the anchor file",
                true,
            ),
        };
        let message = store::audit::anchor_message(anchor.entries, &anchor.head);
        if !store::secret::signature_is_valid(&key, message.as_bytes(), &anchor.signature) {
            eprintln!(
                "The anchor's signature is not valid under {source}: it was not published by this server."
            );
            return Ok(ExitCode::FAILURE);
        }
        if key != anchor.public_key {
            eprintln!("The anchor names another public key than the one given.");
            return Ok(ExitCode::FAILURE);
        }
        if from_anchor {
            eprintln!(
                "Note: the signature was checked against {source}; pass --public-key (as published) or \
                 --secret-file to check that the server made it."
            );
        }
    }
    runtime()?.block_on(async move {
        let store = connect(&database_url).await?;
        let mut connection = store.connection().await?;
        let verdict = match &anchor {
            Some(anchor) => {
                store::audit::verify_against_anchor(&mut connection, anchor.entries, &anchor.head)
                    .await
            }
            None => store::audit::verify(&mut connection).await,
        }
        .context("read the audit log")?;
        drop(connection);
        store.close().await;
        match verdict {
            Ok(count) => {
                match &anchor {
                    Some(anchor) => println!(
                        "Audit chain intact: {count} entries, holding the published anchor of {} entries.",
                        anchor.entries
                    ),
                    None => println!("Audit chain intact: {count} entries."),
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(chain_break) => {
                eprintln!(
                    "Audit chain broken at entry {}: {}",
                    chain_break.seq, chain_break.reason
                );
                Ok(ExitCode::FAILURE)
            }
        }
    })
}
