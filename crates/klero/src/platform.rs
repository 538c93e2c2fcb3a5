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
    /// Mark cookies `Secure` (set this when the site is served over HTTPS, e.g. behind a TLS proxy).
    #[arg(long, env = "KLERO_SECURE_COOKIES")]
    secure_cookies: bool,
    /// The SMTP relay for outgoing email: smtps:// (implicit TLS), smtp+starttls:// (STARTTLS required) or smtp://
    /// (plain; credentials only to a loopback address), then [user[:password]@]host[:port].
    /// Without it, no email is sent and organisers are told.
    #[arg(
        long,
        env = "KLERO_SMTP_URL",
        hide_env_values = true,
        requires = "mail_from"
    )]
    smtp_url: Option<String>,
    /// The sender address of outgoing email.
    #[arg(long, env = "KLERO_MAIL_FROM")]
    mail_from: Option<String>,
    /// The server's public address, for the links in emails.
    #[arg(
        long,
        env = "KLERO_PUBLIC_URL",
        default_value = "http://localhost:8080"
    )]
    public_url: String,
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
    /// Check the hash chain: exit 0 if intact, 1 naming the first bad entry.
    Verify {
        /// Database: a SQLite file path or sqlite: URL, or a postgres:// URL.
        #[arg(long, env = "KLERO_DATABASE_URL", default_value = DEFAULT_DATABASE)]
        database_url: String,
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

/// `klero serve`.
pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_tracing();
    // Checked before anything starts; the error names the option, never the password.
    let mail = match (&args.smtp_url, &args.mail_from) {
        (Some(url), Some(from)) => Some(web::mail::MailConfig::parse(url, from, &args.public_url)?),
        _ => None,
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
        }
        let listener = tokio::net::TcpListener::bind(&args.bind)
            .await
            .with_context(|| format!("bind {}", args.bind))?;
        let address = listener.local_addr().context("read the bound address")?;
        let state = web::AppState {
            store: store.clone(),
            config: Arc::new(web::Config {
                secure_cookies: args.secure_cookies,
                mail,
                ..web::Config::default()
            }),
            stopping: web::Stopping::default(),
        };
        let stopping = state.stopping.clone();
        let app = web::app(state);
        // Table allocations queued before a restart are computed now, in the background.
        web::tables::spawn_drain(store.clone());
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
        let result = web::session::create_administrator(&store, &email, &name, &password).await;
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

/// `klero audit verify`.
pub fn audit(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify { database_url } = args.command;
    runtime()?.block_on(async move {
        let store = connect(&database_url).await?;
        let mut connection = store.connection().await?;
        let verdict = store::audit::verify(&mut connection)
            .await
            .context("read the audit log")?;
        drop(connection);
        store.close().await;
        match verdict {
            Ok(count) => {
                println!("Audit chain intact: {count} entries.");
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
