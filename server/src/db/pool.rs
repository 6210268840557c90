//! The r2d2 pool: a connection manager that knows the backend, and per-connection SQLite setup.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{CustomizeConnection, Error as R2d2Error, ManageConnection, Pool};

use super::{DatabaseUrl, DbConnection, DbError};

/// A pool of [`DbConnection`]s.
pub type DbPool = Pool<DbManager>;

/// Statements run on every new SQLite connection. `busy_timeout` comes first so that switching
/// the journal mode waits for a concurrent writer instead of failing. `synchronous = FULL`: in
/// WAL mode `NORMAL` syncs the log only at checkpoints, so a commit acknowledged to a device
/// could vanish with the power; `FULL` syncs it at every commit, which the group commit keeps to
/// one per batch of documents. `wal_autocheckpoint` follows: [`WAL_AUTOCHECKPOINT_PAGES`].
const SQLITE_INIT: &str = "PRAGMA busy_timeout = 5000; \
     PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON;";

/// WAL pages (4 KiB) after which a committing connection copies the log into the database
/// (SQLite's default is 1,000). Each such checkpoint syncs the log and the database file: two
/// fsyncs. The benchmark's month-end burst (768 documents written with their audit rows,
/// ratings and sync states) made 33 checkpoints with 1,000 pages, 12 with 4,000 and 5 with
/// 10,000 (counted with strace), and 0.097 fsyncs per document in all with 10,000. The log
/// then takes up to 40 MiB on disk.
pub const WAL_AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// Opens connections of the backend chosen by the URL (no trial connects).
#[derive(Debug, Clone)]
pub struct DbManager {
    url: DatabaseUrl,
}

impl DbManager {
    /// A manager for `url`.
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = R2d2Error;

    fn connect(&self) -> Result<DbConnection, R2d2Error> {
        self.url.connect().map_err(R2d2Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), R2d2Error> {
        conn.batch_execute("SELECT 1")
            .map_err(R2d2Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        // A connection left inside a failed transaction must not go back into the pool; a
        // dead socket is caught by `is_valid` on the next checkout.
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Runs [`SQLITE_INIT`] and sets [`WAL_AUTOCHECKPOINT_PAGES`] on each new SQLite connection;
/// PostgreSQL needs no setup.
#[derive(Debug, Clone, Copy)]
struct ConnectionSetup;

impl CustomizeConnection<DbConnection, R2d2Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), R2d2Error> {
        if let DbConnection::Sqlite(c) = conn {
            c.batch_execute(SQLITE_INIT)
                .and_then(|()| {
                    c.batch_execute(&format!(
                        "PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES};"
                    ))
                })
                .map_err(R2d2Error::QueryError)?;
        }
        Ok(())
    }
}

/// Pool sizing.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// Most connections open at once.
    pub max_size: u32,
    /// How long a checkout waits for a free connection.
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 8,
            connection_timeout: Duration::from_secs(10),
        }
    }
}

/// Builds the pool; connects once, so call it from blocking code
/// (e.g. inside `tokio::task::spawn_blocking`).
pub fn build_pool(url: &DatabaseUrl, options: PoolOptions) -> Result<DbPool, DbError> {
    url.ensure_parent_dir()?;
    let pool = Pool::builder()
        .max_size(options.max_size.max(1))
        .min_idle(Some(1))
        .connection_timeout(options.connection_timeout)
        .connection_customizer(Box::new(ConnectionSetup))
        .build(DbManager::new(url.clone()))?;
    Ok(pool)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use diesel::RunQueryDsl;
    use diesel::sql_types::Integer;

    #[derive(diesel::QueryableByName)]
    struct Synchronous {
        #[diesel(sql_type = Integer)]
        synchronous: i32,
    }

    /// `PRAGMA synchronous` of a SQLite connection: 0 OFF, 1 NORMAL, 2 FULL.
    pub(in crate::db) fn synchronous(conn: &mut DbConnection) -> i32 {
        let DbConnection::Sqlite(c) = conn else {
            panic!("a SQLite connection");
        };
        diesel::sql_query("PRAGMA synchronous")
            .get_result::<Synchronous>(c)
            .expect("pragma")
            .synchronous
    }

    #[derive(diesel::QueryableByName)]
    struct WalAutocheckpoint {
        #[diesel(sql_type = Integer)]
        wal_autocheckpoint: i32,
    }

    /// `PRAGMA wal_autocheckpoint` of a SQLite connection: pages, 0 when off.
    pub(in crate::db) fn wal_autocheckpoint(conn: &mut DbConnection) -> i32 {
        let DbConnection::Sqlite(c) = conn else {
            panic!("a SQLite connection");
        };
        diesel::sql_query("PRAGMA wal_autocheckpoint")
            .get_result::<WalAutocheckpoint>(c)
            .expect("pragma")
            .wal_autocheckpoint
    }

    #[derive(diesel::QueryableByName)]
    struct SynchronousCommit {
        #[diesel(sql_type = diesel::sql_types::Text)]
        synchronous_commit: String,
    }

    /// `synchronous_commit` of a PostgreSQL connection (`on`, `off`, ...).
    pub(in crate::db) fn synchronous_commit(conn: &mut DbConnection) -> String {
        let DbConnection::Pg(c) = conn else {
            panic!("a PostgreSQL connection");
        };
        diesel::sql_query("SHOW synchronous_commit")
            .get_result::<SynchronousCommit>(c)
            .expect("SHOW")
            .synchronous_commit
    }

    /// A pool over a new SQLite file; keep the directory alive as long as the pool.
    pub(in crate::db) fn sqlite_pool() -> (tempfile::TempDir, DbPool) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = DatabaseUrl::parse(&dir.path().join("t.db").display().to_string())
            .expect("a SQLite URL");
        let pool = build_pool(&url, PoolOptions::default()).expect("pool");
        (dir, pool)
    }

    #[test]
    fn sqlite_connections_sync_the_log_at_every_commit() {
        let (_dir, pool) = sqlite_pool();
        let mut conn = pool.get().expect("connection");
        // 2 is FULL; NORMAL (1) syncs a WAL database only at checkpoints.
        assert_eq!(synchronous(&mut conn), 2);
    }
}
