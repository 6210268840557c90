//! Per-test databases for this crate's API tests and the end-to-end crate: a SQLite file in a
//! temporary directory, or a fresh database on the PostgreSQL server at `TEST_DATABASE_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`), dropped with the value. PostgreSQL tests
//! never skip: an unreachable server fails them with a clear message.

use diesel::{Connection, PgConnection, RunQueryDsl};
use tempfile::TempDir;

use crate::db::{DatabaseUrl, DbPool, PoolOptions};
use crate::metrics::Metrics;
use crate::startup::open_database_blocking;
use crate::store::Store;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server at `TEST_DATABASE_URL`.
    Postgres,
}

/// The PostgreSQL server new test databases are created on.
pub fn pg_base_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A database used by one test only; a PostgreSQL database is dropped with it.
pub struct TestDb {
    /// The database URL for the server.
    pub url: String,
    _dir: Option<TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    /// A new, empty database.
    ///
    /// # Panics
    /// When the temporary directory cannot be made or PostgreSQL is unreachable: these are test
    /// helpers, and a test that cannot get its database must fail loudly, not skip.
    pub fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("nested/server.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                let base = pg_base_url();
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&base).unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is not reachable at `{base}` ({e}). The PostgreSQL tests do \
                         not skip: start PostgreSQL or point TEST_DATABASE_URL at one."
                    )
                });
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("CREATE DATABASE");
                let (prefix, _) = base
                    .rsplit_once('/')
                    .expect("TEST_DATABASE_URL names a database");
                Self {
                    url: format!("{prefix}/{name}"),
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// A migrated pool on this database.
    pub fn pool(&self) -> DbPool {
        let url = DatabaseUrl::parse(&self.url).expect("test url parses");
        let options = PoolOptions {
            max_size: 4,
            ..PoolOptions::default()
        };
        open_database_blocking(&url, options).expect("open test database")
    }

    /// A [`Store`] over a migrated pool.
    pub fn store(&self) -> Store {
        Store::new(self.pool(), Metrics::default())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name
            && let Ok(mut admin) = PgConnection::establish(&pg_base_url())
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}
