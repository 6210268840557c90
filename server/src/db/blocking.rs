//! Moving diesel work off the async workers.

use super::{DbConnection, DbError, DbPool};

/// Checks a connection out of `pool` and runs `f` with it on tokio's blocking thread pool.
///
/// Both the checkout (which may wait for a free connection) and the queries block, so neither
/// may run on an actix worker thread. The caller's tracing span follows the work.
///
/// # Errors
/// Whatever `f` returns, or [`DbError::Pool`] / [`DbError::Blocking`] converted into `E`.
pub async fn run_blocking<T, E, F>(pool: &DbPool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        span.in_scope(|| {
            let mut conn = pool.get().map_err(DbError::from)?;
            f(&mut conn)
        })
    })
    .await
    .map_err(DbError::from)?
}
