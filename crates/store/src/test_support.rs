//! Fresh, uniquely named databases for tests (of this crate and of `web`): a temporary SQLite file,
//! or a new PostgreSQL database on the local server that is dropped afterwards.
//!
//! PostgreSQL tests never skip: if the server is unreachable they fail and say how to start it.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Connection, Executor};

use crate::Backend;

/// The admin URL used to create and drop test databases, unless `KLERO_TEST_POSTGRES_URL` says otherwise.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A database created for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL to pass to [`crate::Store::connect`] or `klero serve --database-url`.
    pub url: String,
    backend: Backend,
    name: String,
}

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "klero_test_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn admin_url() -> String {
    std::env::var("KLERO_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

impl TestDatabase {
    /// Creates a fresh database of the given backend. Panics (failing the test) with instructions if PostgreSQL is down.
    pub async fn create(backend: Backend) -> TestDatabase {
        let name = unique_name();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                TestDatabase {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    backend,
                    name,
                }
            }
            Backend::Postgres => {
                sqlx::any::install_default_drivers();
                let admin = admin_url();
                let mut connection = match sqlx::AnyConnection::connect(&admin).await {
                    Ok(connection) => connection,
                    Err(error) => panic!(
                        "\n\n*** PostgreSQL is not reachable at {admin} ({error}).\n\
                         *** These tests run against PostgreSQL too and do not skip. Start it with:\n\
                         ***   pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\
                         *** or set KLERO_TEST_POSTGRES_URL to an admin URL of another server.\n\n"
                    ),
                };
                connection
                    .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                    .expect("create the test database");
                connection.close().await.ok();
                let base = admin
                    .rsplit_once('/')
                    .map(|(base, _)| base)
                    .unwrap_or(&admin);
                TestDatabase {
                    url: format!("{base}/{name}"),
                    backend,
                    name,
                }
            }
        }
    }

    /// Removes the database (call it at the end of the test, after closing every pool on it).
    pub async fn drop_database(self) {
        match self.backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{}.db", self.name));
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Backend::Postgres => {
                if let Ok(mut connection) = sqlx::AnyConnection::connect(&admin_url()).await {
                    let _ = connection
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                            self.name
                        )))
                        .await;
                    connection.close().await.ok();
                }
            }
        }
    }
}

/// Runs raw SQL against a store, for tests that tamper with rows behind the application's back.
/// Returns the number of rows affected.
pub async fn execute_raw(store: &crate::Store, sql: &str) -> Result<u64, crate::StoreError> {
    let mut connection = store.connection().await?;
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut *connection)
        .await?
        .rows_affected())
}

/// Runs a raw `SELECT COUNT(*) ...` (or any query returning one BIGINT), for state-based test assertions.
pub async fn count_raw(store: &crate::Store, sql: &str) -> Result<i64, crate::StoreError> {
    let mut connection = store.connection().await?;
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut *connection)
        .await?)
}

/// Runs a raw query returning one text column, for state-based test assertions.
pub async fn texts_raw(store: &crate::Store, sql: &str) -> Result<Vec<String>, crate::StoreError> {
    let mut connection = store.connection().await?;
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(&mut *connection)
        .await?)
}

/// The file of a SQLite store (`None` on PostgreSQL), to read its bytes as someone with a copy of the files would.
pub async fn sqlite_file(store: &crate::Store) -> Option<std::path::PathBuf> {
    if store.backend() != Backend::Sqlite {
        return None;
    }
    let mut connection = store.connection().await.ok()?;
    let path: String =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_one(&mut *connection)
            .await
            .ok()?;
    Some(std::path::PathBuf::from(path))
}

/// Runs one contract scenario on a fresh database of `backend`, migrated, and drops the database afterwards.
pub async fn run_scenario<F, Fut>(backend: Backend, scenario: F)
where
    F: FnOnce(crate::Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let database = TestDatabase::create(backend).await;
    let store = crate::Store::connect(&database.url)
        .await
        .expect("connect and migrate");
    scenario(store.clone()).await;
    store.close().await;
    database.drop_database().await;
}

/// Declares one test per scenario and backend: `on_both_backends!(scenario_a, scenario_b)` makes
/// `sqlite::scenario_a`, `postgres::scenario_a`, ... each running `scenario_a(store)` on a fresh database.
/// Every area of the store keeps its contract tests in its own file under `tests/` with this macro.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { $crate::test_support::run_scenario($crate::Backend::Sqlite, super::$name).await }) *
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { $crate::test_support::run_scenario($crate::Backend::Postgres, super::$name).await }) *
        }
    };
}
