//! Macros that run the same diesel code on the concrete connection inside a [`DbConnection`].
//!
//! Queries written once compile twice, once per backend, so dialect features that
//! `MultiBackend` does not cover (upserts, `BEGIN IMMEDIATE`) stay available.
//!
//! [`DbConnection`]: super::DbConnection

/// `with_conn!(conn, |c| body)`: evaluates `body` with `c` bound to the concrete connection.
macro_rules! with_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Pg($c) => $body,
        }
    };
}

/// `write_tx!(conn, |c| body)`: runs `body` in a write transaction.
///
/// On SQLite this is `BEGIN IMMEDIATE`, which takes the write lock up front: a deferred
/// transaction that reads first and writes later can fail with `SQLITE_BUSY` without waiting
/// for the busy timeout when another writer got there in between.
macro_rules! write_tx {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite(inner) => inner.immediate_transaction(|$c| $body),
            $crate::db::DbConnection::Pg(inner) => {
                diesel::Connection::transaction(inner, |$c| $body)
            }
        }
    };
}

pub(crate) use {with_conn, write_tx};
