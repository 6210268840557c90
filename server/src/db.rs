//! Database access: one diesel codebase for SQLite and PostgreSQL.
//!
//! - [`DbConnection`] is a `diesel::MultiConnection` over both backends; the backend is chosen
//!   from the URL scheme ([`DatabaseUrl::parse`]), never by trial connects, because SQLite accepts
//!   any string as a file name.
//! - [`build_pool`] makes an r2d2 pool whose SQLite connections get WAL, foreign keys, a busy
//!   timeout and `synchronous = FULL` (every commit durable) on acquire.
//! - [`run_migrations`] applies the embedded migration tree of the connection's backend.
//! - [`run_blocking`] is the only way async code touches the database: checkout and queries run
//!   on the blocking thread pool, never on an async worker.
//!
//! Model and store code returns `diesel::QueryResult` or [`StoreError`](crate::store::StoreError);
//! setup code returns [`DbError`].

mod blocking;
mod connection;
mod dispatch;
mod migrations;
mod multi;
mod pool;
pub mod schema;
mod unsynced;

pub use blocking::run_blocking;
pub use connection::{Backend, DatabaseUrl, DbConnection, MultiBackend};
pub(crate) use dispatch::{with_conn, write_tx};
pub use migrations::run_migrations;
pub use pool::{DbManager, DbPool, PoolOptions, build_pool};
pub use unsynced::unsynced;

/// Errors of database setup and access outside the store's own queries.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is empty.
    #[error("the database url is empty")]
    EmptyUrl,
    /// The URL names a scheme that is neither SQLite nor PostgreSQL.
    #[error(
        "unsupported database url scheme `{scheme}` (use `sqlite://`, `postgres://` or a path)"
    )]
    UnsupportedScheme {
        /// The scheme found in the URL.
        scheme: String,
    },
    /// The directory of the SQLite file could not be created.
    #[error("could not create the database directory `{path}`")]
    CreateDir {
        /// Directory that was to be created.
        path: std::path::PathBuf,
        /// Underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No connection could be had from the pool in time (or connecting failed).
    #[error("could not get a database connection")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// A query failed.
    #[error("database query failed")]
    Query(#[from] diesel::result::Error),
    /// Applying migrations failed.
    #[error("could not run database migrations")]
    Migration(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The blocking task running the database work panicked or was cancelled.
    #[error("the blocking database task failed")]
    Blocking(#[from] tokio::task::JoinError),
}
