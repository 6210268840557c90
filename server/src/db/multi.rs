//! The multi-backend connection enum. Kept alone in this file because the derive generates
//! public helper items (`MultiBackend`, its variants and methods) that carry no docs.
#![allow(missing_docs)]

use diesel::{PgConnection, SqliteConnection};

/// A connection to SQLite or PostgreSQL; generated code implements `diesel::Connection` for it.
///
/// Store code that needs dialect-specific SQL (upserts, `BEGIN IMMEDIATE`) matches on the
/// variant through `with_conn!`/`write_tx!`, so the same query text is compiled for both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// An SQLite file database (the default).
    Sqlite(SqliteConnection),
    /// A PostgreSQL database.
    Pg(PgConnection),
}
