//! Device authentication.
//!
//! Each device holds a random 256-bit token, shown once at registration; the server stores
//! only its SHA-256 digest, looks devices up by digest and compares digests in constant time.
//! A token is presented as `Authorization: Bearer <token>`, as a `sync_session` cookie (the
//! browser app) or as `?token=<token>` (stock JS WebSocket clients cannot set headers).
//! Handlers take an [`AuthenticatedDevice`] and never parse credentials themselves.
//! Credentials enrolled by a login (`POST /api/v1/session`) belong to a user and expire.

mod extractor;
mod token;

pub use extractor::{AuthenticatedDevice, SESSION_COOKIE, credential_from_request};
pub use token::DeviceToken;

use subtle::ConstantTimeEq;

use crate::accounts::credentials::{Credential, credential_by_token_hash};
use crate::db::DbConnection;
use crate::store::StoreError;
use crate::store::devices::{self, DeviceRecord};

/// Why a request is not authenticated.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No credential was presented.
    #[error("no credential was presented")]
    Missing,
    /// The credential is not a well-formed token (or the header is not `Bearer`).
    #[error("the credential is malformed")]
    Malformed,
    /// No device holds this token.
    #[error("the credential is not valid")]
    Unknown,
    /// The device was revoked (or logged out).
    #[error("the device has been revoked")]
    Revoked,
    /// The device credential has expired; log in again.
    #[error("the credential has expired")]
    Expired,
    /// Login refused: unknown user, wrong password or disabled user.
    #[error("the username or password is wrong")]
    BadLogin,
    /// The device registry could not be read.
    #[error("the device registry is unavailable")]
    Store(#[source] StoreError),
}

/// Registers a device named `name` (normalised) with a fresh token; the token is returned
/// once and only its hash is stored.
pub fn register_device(
    conn: &mut DbConnection,
    name: &str,
) -> Result<(DeviceRecord, DeviceToken), StoreError> {
    let name = sync_core::text::normalize(name.trim());
    let token = DeviceToken::generate();
    let device = devices::insert_device(conn, &name, &token.hash())?;
    Ok((device, token))
}

/// The active device holding `token`.
pub fn authenticate(
    conn: &mut DbConnection,
    token: &DeviceToken,
) -> Result<DeviceRecord, AuthError> {
    authenticate_credential(conn, token).map(|c| c.device)
}

/// The active, unexpired credential holding `token`, with the user it was enrolled for.
pub fn authenticate_credential(
    conn: &mut DbConnection,
    token: &DeviceToken,
) -> Result<Credential, AuthError> {
    let hash = token.hash();
    let (credential, stored) = credential_by_token_hash(conn, &hash)
        .map_err(|e| AuthError::Store(StoreError::Query(e)))?
        .ok_or(AuthError::Unknown)?;
    // The lookup matched on the digest already; comparing again in constant time keeps the
    // decision itself free of timing differences whatever the database does.
    if !bool::from(stored.as_bytes().ct_eq(hash.as_bytes())) {
        return Err(AuthError::Unknown);
    }
    if !credential.device.is_active() {
        return Err(AuthError::Revoked);
    }
    if credential.is_expired(chrono::Utc::now().naive_utc()) {
        return Err(AuthError::Expired);
    }
    Ok(credential)
}
