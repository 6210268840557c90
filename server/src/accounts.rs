//! Accounts: users, roles scoped to units, login sessions that enrol devices, login rate
//! limits and revocation events.
//!
//! - [`users`]: users with argon2id password hashes ([`password`]).
//! - [`roles`]: granting and revoking [`Role`](crate::org::access::Role)s on units.
//! - [`credentials`]: device credentials enrolled by a login (linked to the user, expiring) and
//!   the cheap [`device_status`](credentials::device_status) query the sync layer asks.
//! - [`session`]: the login itself (verify, rate-limit, enrol).
//! - [`rate_limit`]: an in-memory sliding window per account and per client address.
//! - [`revocation`]: [`RevocationEvent`](revocation::RevocationEvent)s on a broadcast channel,
//!   fed by in-process revocations and by a watcher that polls the database (so revocations
//!   made by `server admin ...` in another process reach live connections within a second).
//! - [`Accounts`]: the shared state the routes use (settings, limiter, revocation hub).

pub mod credentials;
pub mod password;
pub mod rate_limit;
pub mod revocation;
pub mod roles;
pub mod session;
mod settings;
mod state;
pub mod users;

pub use settings::AccountsSettings;
pub use state::Accounts;

/// Errors of the accounts layer.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// A query failed.
    #[error("accounts query failed")]
    Query(#[from] diesel::result::Error),
    /// Pool checkout or blocking task failure.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    /// The device store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The organisation layer refused (e.g. unknown unit).
    #[error(transparent)]
    Org(#[from] crate::org::OrgError),
    /// No such user.
    #[error("no user `{0}`")]
    UnknownUser(String),
    /// The username is taken.
    #[error("the username `{0}` is taken")]
    UsernameTaken(String),
    /// A username, display name or password that cannot be used.
    #[error("{0}")]
    Invalid(String),
    /// Hashing failed.
    #[error("password hashing failed")]
    Hash,
}
