//! Store tests; every one runs on SQLite and on PostgreSQL.

mod compaction;
mod documents;
mod quarantine;
mod sync_state;
