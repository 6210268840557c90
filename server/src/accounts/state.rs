//! [`Accounts`]: the state shared by the session routes and the sync layer.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use super::rate_limit::LoginLimiter;
use super::revocation::{RevocationEvent, RevocationHub, spawn_watcher};
use super::session::{LoginError, LoginSuccess, login};
use super::users::canonical_username;
use super::{AccountsError, AccountsSettings};
use crate::db::{DbPool, run_blocking};

/// Login rate limiter, revocation hub and settings; cheap to clone.
#[derive(Debug, Clone)]
pub struct Accounts {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pool: DbPool,
    settings: AccountsSettings,
    limiter: LoginLimiter,
    revocations: RevocationHub,
}

impl Accounts {
    /// State over `pool`; call [`start_watcher`](Self::start_watcher) inside a runtime to
    /// observe revocations made by other processes.
    pub fn new(pool: DbPool, settings: AccountsSettings) -> Self {
        let limiter = LoginLimiter::new(
            settings.login_window(),
            settings.max_failed_logins_per_account,
            settings.max_failed_logins_per_address,
        );
        Self {
            inner: Arc::new(Inner {
                pool,
                settings,
                limiter,
                revocations: RevocationHub::new(),
            }),
        }
    }

    /// Starts the database watcher; it stops once every clone of `self` is dropped.
    pub fn start_watcher(&self) -> tokio::task::JoinHandle<()> {
        spawn_watcher(
            self.inner.pool.clone(),
            self.inner.revocations.clone(),
            self.inner.settings.revocation_poll_interval(),
            Arc::downgrade(&self.inner),
        )
    }

    /// The settings.
    pub fn settings(&self) -> &AccountsSettings {
        &self.inner.settings
    }

    /// The revocation channel (subscribe to it from the WebSocket layer).
    pub fn revocations(&self) -> &RevocationHub {
        &self.inner.revocations
    }

    /// Logs in from `address`: refused with [`LoginError::RateLimited`] before the password is
    /// checked when the account or address has too many recent failures; failures are counted.
    pub async fn login(
        &self,
        username: String,
        password: String,
        device_name: String,
        address: Option<IpAddr>,
    ) -> Result<LoginSuccess, LoginError> {
        let account = canonical_username(&username);
        let limiter = &self.inner.limiter;
        limiter
            .check(&account, address, Instant::now())
            .map_err(|retry_after| LoginError::RateLimited { retry_after })?;
        let lifetime = self.inner.settings.credential_lifetime();
        let result = run_blocking(&self.inner.pool, move |conn| {
            Ok::<_, AccountsError>(login(conn, &username, &password, &device_name, lifetime))
        })
        .await?;
        if matches!(result, Err(LoginError::InvalidCredentials)) {
            limiter.record_failure(&account, address, Instant::now());
        }
        result
    }

    /// Logs a device out: revokes its credential and tells live connections.
    pub async fn logout(&self, device_id: String) -> Result<(), AccountsError> {
        let id = device_id.clone();
        run_blocking(&self.inner.pool, move |conn| {
            Ok::<_, AccountsError>(crate::store::devices::revoke_device(conn, &id)?)
        })
        .await?;
        self.inner
            .revocations
            .publish(RevocationEvent::Device { device_id });
        Ok(())
    }
}
