//! Embedded migration trees, one per backend, with identical migration names.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DbConnection, DbError};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies every pending migration of the connection's backend; returns the versions applied.
#[tracing::instrument(skip_all)]
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(DbError::Migration)?;
    let versions: Vec<String> = applied.iter().map(ToString::to_string).collect();
    if !versions.is_empty() {
        tracing::info!(migrations = ?versions, "applied database migrations");
    }
    Ok(versions)
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};
    use diesel::RunQueryDsl;

    use super::*;
    use crate::store::{ChangeMeta, ChangeRecord, DocWrite, changes_of, commit_batch};
    use crate::testing::{Backend, TestDb};

    /// The migration that packed the audit log into runs.
    const CHANGE_RUNS: &str = "20261128000100";

    /// Reverts migrations, newest first, up to and including [`CHANGE_RUNS`].
    fn revert_change_runs(conn: &mut DbConnection) {
        loop {
            let reverted = match conn {
                DbConnection::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS),
                DbConnection::Pg(c) => c.revert_last_migration(POSTGRES_MIGRATIONS),
            }
            .expect("revert");
            let digits: String = reverted
                .to_string()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if digits == CHANGE_RUNS {
                return;
            }
        }
    }

    fn execute(conn: &mut DbConnection, sql: &str) {
        match conn {
            DbConnection::Sqlite(c) => diesel::sql_query(sql).execute(c),
            DbConnection::Pg(c) => diesel::sql_query(sql).execute(c),
        }
        .expect(sql);
    }

    fn write(doc: &mut AutoCommit, since: &[automerge::ChangeHash], device: &str) -> DocWrite {
        DocWrite {
            doc_id: "audited".to_owned(),
            change_bytes: doc.save_after(since),
            new_heads: doc.get_heads(),
            changes: doc.get_changes(since).iter().map(ChangeMeta::of).collect(),
            device_id: device.to_owned(),
            owner_if_new: None,
            cell_if_new: None,
        }
    }

    fn sorted(mut records: Vec<ChangeRecord>) -> Vec<ChangeRecord> {
        records.sort_by(|a, b| a.hash.cmp(&b.hash));
        records
    }

    fn audit_log_survives_the_change_runs_migration_both_ways(backend: Backend) {
        let db = TestDb::new(backend);
        let pool = db.pool();
        let mut conn = pool.get().expect("connection");
        let device = crate::auth::register_device(&mut conn, "cell")
            .expect("device")
            .0
            .id;
        let mut doc = AutoCommit::new();
        for i in 0..3 {
            doc.put(ROOT, "a", i).expect("put");
            doc.commit();
        }
        let mut other = doc.fork();
        other.put(ROOT, "b", 1).expect("put");
        other.commit();
        doc.merge(&mut other).expect("merge");
        commit_batch(&mut conn, &[write(&mut doc, &[], &device)]).expect("commit");
        let recorded = changes_of(&mut conn, "audited").expect("read");
        assert_eq!(recorded.len(), 4);

        // Down: one row per change, as before the migration; one legacy row added there.
        revert_change_runs(&mut conn);
        let legacy = "ab".repeat(32);
        execute(
            &mut conn,
            &format!(
                "INSERT INTO changes (doc_id, change_hash, actor_id, device_id, received_at) \
                 VALUES ('audited', '{legacy}', 'cafe', '{device}', '2026-11-01 10:00:00')"
            ),
        );

        // Up again: every change, the legacy one included, with its actor, device and time.
        run_migrations(&mut conn).expect("migrate");
        let after = changes_of(&mut conn, "audited").expect("read");
        assert_eq!(after.len(), 5);
        assert_eq!(after[0].hash, legacy);
        assert_eq!(after[0].actor, "cafe");
        assert_eq!(sorted(after[1..].to_vec()), sorted(recorded));

        // A later delivery is recorded once, even when delivered again.
        let before = doc.get_heads();
        doc.put(ROOT, "a", 9).expect("put");
        doc.commit();
        let later = write(&mut doc, &before, &device);
        commit_batch(&mut conn, std::slice::from_ref(&later)).expect("commit");
        commit_batch(&mut conn, &[later]).expect("commit again");
        assert_eq!(changes_of(&mut conn, "audited").expect("read").len(), 6);
    }

    #[test]
    fn the_audit_log_survives_the_change_runs_migration_both_ways_on_sqlite() {
        audit_log_survives_the_change_runs_migration_both_ways(Backend::Sqlite);
    }

    #[test]
    fn the_audit_log_survives_the_change_runs_migration_both_ways_on_postgres() {
        audit_log_survives_the_change_runs_migration_both_ways(Backend::Postgres);
    }
}
