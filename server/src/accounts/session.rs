//! Logging in: verify the password (argon2id), then enrol the device.
//!
//! Rate limiting happens around this in [`Accounts::login`](super::Accounts::login); the
//! function here is the blocking part (database and hash verification).

use super::AccountsError;
use super::credentials::{Credential, enrol_device};
use super::password::{dummy_hash, verify_password};
use super::users::{User, user_with_hash};
use crate::auth::DeviceToken;
use crate::db::DbConnection;

/// A successful login.
#[derive(Debug)]
pub struct LoginSuccess {
    /// The user.
    pub user: User,
    /// The enrolled device credential.
    pub credential: Credential,
    /// Its token (shown once).
    pub token: DeviceToken,
}

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown user, wrong password or disabled user: one answer for all three.
    #[error("the username or password is wrong")]
    InvalidCredentials,
    /// Too many failed attempts for this account or address.
    #[error("too many failed logins; retry in {} s", .retry_after.as_secs())]
    RateLimited {
        /// How long until an attempt is allowed again.
        retry_after: std::time::Duration,
    },
    /// Storage failed.
    #[error(transparent)]
    Accounts(#[from] AccountsError),
}

/// Verifies `username`/`password` and enrols a device named `device_name` valid for `lifetime`.
/// An unknown user is checked against a dummy hash so that timing does not reveal which
/// usernames exist.
pub fn login(
    conn: &mut DbConnection,
    username: &str,
    password: &str,
    device_name: &str,
    lifetime: chrono::Duration,
) -> Result<LoginSuccess, LoginError> {
    let found = user_with_hash(conn, username)?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, dummy_hash().to_owned()),
    };
    let ok = verify_password(password, &hash);
    let user = match user {
        Some(user) if ok && user.disabled_at.is_none() => user,
        _ => return Err(LoginError::InvalidCredentials),
    };
    let (credential, token) = enrol_device(conn, &user.id, device_name, lifetime)?;
    Ok(LoginSuccess {
        user,
        credential,
        token,
    })
}
