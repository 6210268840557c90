//! Store tests; every one runs on SQLite and on PostgreSQL.

mod compaction;
mod documents;
mod group_commit;
mod quarantine;
mod sync_state;
