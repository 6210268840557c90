//! Commits that do not wait for the disk, for data the server rebuilds from what is durable.

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;

use super::DbConnection;
use super::pool::WAL_AUTOCHECKPOINT_PAGES;

/// Runs `f` with commits that do not wait for the disk, then waits for it again: SQLite's
/// `PRAGMA synchronous = OFF`, PostgreSQL's `synchronous_commit = off`.
///
/// Only for writes whose loss in a power cut the server makes good by itself:
/// - the ratings projector's rows: on start, every document whose projection is missing or of
///   other heads is projected again (`ratings::catch_up`);
/// - devices' sync states: a lost one costs the device one more round trip, never an edit.
///
/// Neither database can lose part of a transaction or reorder them: SQLite in WAL mode syncs
/// the log up to and including these commits at the next synced commit, and PostgreSQL's WAL
/// writer flushes them within a few hundred milliseconds (`wal_writer_delay`); a power cut can
/// only take the newest of them, whole transactions at a time.
///
/// Restoring the durable setting fails only inside an open transaction, that is when `f` left
/// one behind that could not be rolled back; diesel then reports the connection broken and the
/// pool discards it instead of reusing it unsynced.
pub fn unsynced<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    set_durable(conn, false)?;
    let result = f(conn);
    let restored = set_durable(conn, true);
    let value = result?;
    restored?;
    Ok(value)
}

/// Makes the connection's commits wait for the disk (`durable`) or not.
///
/// An unsynced SQLite connection also does not checkpoint: a checkpoint run by a connection
/// with `synchronous = OFF` copies the log into the database file without syncing it, and the
/// next writer may then restart the log over frames whose pages only the OS cache holds, so a
/// power cut could take commits acknowledged as durable. The next synced commit checkpoints.
fn set_durable(conn: &mut DbConnection, durable: bool) -> diesel::QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            let (level, checkpoint) = if durable {
                ("FULL", WAL_AUTOCHECKPOINT_PAGES)
            } else {
                ("OFF", 0)
            };
            c.batch_execute(&format!(
                "PRAGMA synchronous = {level}; PRAGMA wal_autocheckpoint = {checkpoint};"
            ))?;
        }
        // `RESET` returns to the server's configured setting rather than forcing `on`.
        DbConnection::Pg(c) => {
            let statement = if durable {
                "RESET synchronous_commit"
            } else {
                "SET synchronous_commit = off"
            };
            diesel::sql_query(statement).execute(c)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::pool::tests::{
        sqlite_pool, synchronous, synchronous_commit, wal_autocheckpoint,
    };

    #[test]
    fn unsynced_writes_run_with_synchronous_off_and_the_connection_syncs_again_after() {
        let (_dir, pool) = sqlite_pool();
        let mut conn = pool.get().expect("connection");
        let inside = unsynced(&mut conn, |c| {
            Ok::<_, diesel::result::Error>(synchronous(c))
        });
        assert_eq!(inside.expect("ran"), 0);
        assert_eq!(synchronous(&mut conn), 2);
        // Also when the writes fail.
        let failed = unsynced(&mut conn, |c| {
            let DbConnection::Sqlite(s) = c else {
                panic!("a SQLite connection");
            };
            diesel::sql_query("INSERT INTO no_such_table VALUES (1)").execute(s)
        });
        assert!(failed.is_err());
        assert_eq!(synchronous(&mut conn), 2);
    }

    #[test]
    fn unsynced_writes_never_checkpoint_and_the_connection_checkpoints_again_after() {
        let (_dir, pool) = sqlite_pool();
        let mut conn = pool.get().expect("connection");
        assert_eq!(
            wal_autocheckpoint(&mut conn),
            WAL_AUTOCHECKPOINT_PAGES as i32
        );
        let inside = unsynced(&mut conn, |c| {
            Ok::<_, diesel::result::Error>(wal_autocheckpoint(c))
        });
        assert_eq!(inside.expect("ran"), 0);
        assert_eq!(
            wal_autocheckpoint(&mut conn),
            WAL_AUTOCHECKPOINT_PAGES as i32
        );
    }

    #[test]
    fn unsynced_writes_on_postgres_commit_asynchronously_and_the_connection_waits_again_after() {
        let db = crate::testing::TestDb::new(crate::testing::Backend::Postgres);
        let pool = db.pool();
        let mut conn = pool.get().expect("connection");
        assert_eq!(synchronous_commit(&mut conn), "on");
        let inside = unsynced(&mut conn, |c| {
            Ok::<_, diesel::result::Error>(synchronous_commit(c))
        });
        assert_eq!(inside.expect("ran"), "off");
        assert_eq!(synchronous_commit(&mut conn), "on");
        let failed = unsynced(&mut conn, |c| {
            let DbConnection::Pg(p) = c else {
                panic!("a PostgreSQL connection");
            };
            diesel::sql_query("INSERT INTO no_such_table VALUES (1)").execute(p)
        });
        assert!(failed.is_err());
        assert_eq!(synchronous_commit(&mut conn), "on");
    }
}
