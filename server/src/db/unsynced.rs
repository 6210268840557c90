//! Commits that do not wait for the disk, for data the server rebuilds from what is durable.

use diesel::RunQueryDsl;

use super::DbConnection;

/// Runs `f` with SQLite's commits not synced (`PRAGMA synchronous = OFF`), then syncs again.
///
/// Only for writes whose loss in a power cut the server makes good by itself:
/// - the ratings projector's rows: on start, every document whose projection is missing or of
///   other heads is projected again (`ratings::catch_up`);
/// - devices' sync states: a lost one costs the device one more round trip, never an edit.
///
/// In WAL mode the next synced commit syncs the log up to and including these commits, so a
/// power cut can only take the newest of them, whole transactions at a time.
///
/// Restoring `FULL` fails only inside an open transaction, that is when `f` left one behind
/// that could not be rolled back; diesel then reports the connection broken and the pool
/// discards it instead of reusing it unsynced. PostgreSQL runs `f` unchanged.
pub fn unsynced<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if !matches!(conn, DbConnection::Sqlite(_)) {
        return f(conn);
    }
    set_synchronous(conn, "OFF")?;
    let result = f(conn);
    let restored = set_synchronous(conn, "FULL");
    let value = result?;
    restored?;
    Ok(value)
}

/// `PRAGMA synchronous = level` on SQLite; PostgreSQL has no such setting.
fn set_synchronous(conn: &mut DbConnection, level: &str) -> diesel::QueryResult<()> {
    if let DbConnection::Sqlite(c) = conn {
        diesel::sql_query(format!("PRAGMA synchronous = {level}")).execute(c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::pool::tests::{sqlite_pool, synchronous};

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
}
