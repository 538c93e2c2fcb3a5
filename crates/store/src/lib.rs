//! Storage for the platform: one code path for SQLite (the default, a file created on first start) and PostgreSQL.
//!
//! The backend is chosen from the URL scheme; both go through the sqlx `Any` driver with `$1`-style placeholders,
//! BIGINT unix-second timestamps and TEXT, so every query is the same string on both.
//! Each backend has its own migration folder (`migrations/sqlite`, `migrations/postgres`), embedded at build time.
//!
//! Architecture invariant: only an entrypoint (a web handler, a CLI command) opens a [`Tx`] and commits it.
//! The functions of this crate take `&mut AnyConnection` (which a `Tx` derefs to) and therefore cannot commit.

pub mod accounts;
pub mod assemblies;
pub mod audit;
pub mod auth;
pub mod ballot_box;
pub mod comments;
pub mod community;
pub mod community_photos;
pub mod deliveries;
// The public conversation (issue 16, part 1).
pub mod conversation;
pub mod conversation_bulk;
pub mod conversation_verify;
pub mod evidence;
// Group commit of small concurrent writes (the conversation's votes).
pub mod group;
pub mod impact;
// Print runs of the invitation letters (issue 18, item 6).
pub mod invitations;
// Numbers drawn in public for the invitation lottery (issue 18, item 8).
pub mod invitation_numbers;
pub mod letter_prints;
pub mod members;
pub mod proposals;
// Publishing the final report (issue 18, item 7).
pub mod publication;
// The registration questions as their own list (issue 18, item 4).
pub mod questions;
pub mod recommendations;
pub mod recruitment;
pub mod seating;
pub mod secret;
pub mod selection;
pub mod sessions;
pub mod test_support;

use std::str::FromStr;
use std::time::Duration;

/// The connection type store functions take (a [`Tx`] derefs to it), for callers that pass one along.
pub use sqlx::AnyConnection;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Connection, Executor};

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference constraint refused the write.
    #[error("conflict on {constraint}")]
    Conflict {
        /// The constraint (PostgreSQL) or the columns (SQLite) that refused it.
        constraint: String,
    },
    /// The database URL is neither `sqlite:` nor `postgres:`/`postgresql:`.
    #[error("unsupported database URL scheme (use sqlite:PATH or postgres://...)")]
    UnsupportedUrl,
    /// A stored value could not be read back (e.g. an unknown phase name).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The server secret file does not hold 64 hexadecimal digits.
    #[error("the server secret file must hold 64 hexadecimal digits")]
    BadSecret,
    /// The server secret file could not be read or created.
    #[error("the server secret file could not be read or created")]
    SecretFile(#[source] std::io::Error),
    /// Any other database or migration error.
    #[error("database error")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        if let sqlx::Error::RowNotFound = error {
            return StoreError::NotFound;
        }
        if let Some(database_error) = error.as_database_error() {
            use sqlx::error::ErrorKind;
            if matches!(
                database_error.kind(),
                ErrorKind::UniqueViolation | ErrorKind::ForeignKeyViolation
            ) {
                let constraint = match database_error.constraint() {
                    Some(name) => name.to_owned(),
                    // SQLite names the columns instead: "UNIQUE constraint failed: accounts.email".
                    None => database_error
                        .message()
                        .rsplit(": ")
                        .next()
                        .unwrap_or("unknown")
                        .to_owned(),
                };
                return StoreError::Conflict { constraint };
            }
        }
        StoreError::Other(Box::new(error))
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> StoreError {
        StoreError::Other(Box::new(error))
    }
}

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Picks the backend from a URL's scheme.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }
}

/// Turns what a user typed (`kleroterion.db`, `sqlite:x.db`, `postgres://...`) into a sqlx URL.
/// A bare path becomes a SQLite file that is created if missing.
pub fn normalise_url(raw: &str) -> String {
    if raw.contains("://") || raw.starts_with("sqlite:") {
        if raw.starts_with("sqlite:") && !raw.contains("mode=") && !raw.contains(":memory:") {
            let separator = if raw.contains('?') { '&' } else { '?' };
            return format!("{raw}{separator}mode=rwc");
        }
        return raw.to_owned();
    }
    format!("sqlite://{raw}?mode=rwc")
}

/// A connection pool to one database, with its migrations applied.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The queue of the writer task of [`Store::grouped`].
    group: std::sync::Arc<group::Group>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: never print it.
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// A transaction owned by an entrypoint. Store functions borrow it as `&mut AnyConnection`; only its owner commits.
pub struct Tx(sqlx::Transaction<'static, sqlx::Any>);

impl Tx {
    /// Makes every write of this transaction durable. Dropping a `Tx` without committing rolls it back.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.0.commit().await.map_err(StoreError::from)
    }
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.0
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.0
    }
}

impl Store {
    /// Connects to `url` (see [`normalise_url`]) and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let url = normalise_url(url);
        let backend = Backend::from_url(&url)?;
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = match backend {
            // One connection: SQLite serialises writers anyway, and a single connection avoids
            // "database is locked" when two transactions would both upgrade to writers.
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(|connection, _| {
                    Box::pin(async move {
                        connection
                            // secure_delete: deleted and overwritten content (an erased person, a ballot's sealed
                            // choices) is zeroed in the pages written, not left in free space (see `forget`).
                            .execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON;")
                            .await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await?,
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options)
                .await?,
        };
        let store = Store {
            pool,
            backend,
            group: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Which engine this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Opens a transaction; the caller (an entrypoint) must [`Tx::commit`] it.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(Tx(self.pool.begin().await?))
    }

    /// A pooled connection for reads that need no transaction.
    pub async fn connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// Makes what committed transactions deleted or overwrote leave the database files, as far as the backend allows;
    /// called after a commit that erased personal data or closed a ballot.
    ///
    /// SQLite: every connection runs with `secure_delete`, so the pages written by the commit have the old content
    /// zeroed, but the write-ahead log still holds the earlier versions of those pages; a `TRUNCATE` checkpoint copies
    /// the latest pages into the database file and empties the log. If a reader keeps the log busy, the checkpoint
    /// is partial and the next one completes it (the log is reset at the next checkpoint that finds no reader).
    /// PostgreSQL: nothing can be done from a connection; its WAL segments, archives and backups keep old versions
    /// until they are recycled or rotated (`docs/ballots.md`, `docs/privacy.md`).
    pub async fn forget(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            let mut connection = self.pool.acquire().await?;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_all(&mut *connection)
                .await?;
        }
        Ok(())
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut connection = self.pool.acquire().await?;
        connection.ping().await?;
        Ok(())
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// SHA-256 of `data`, as lower-case hexadecimal.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}
