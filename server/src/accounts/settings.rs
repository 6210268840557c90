//! `[accounts]` settings.

use std::time::Duration;

/// Login sessions, device credentials and login rate limits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountsSettings {
    /// Days a device credential enrolled by a login stays valid (it works offline meanwhile).
    pub credential_lifetime_days: u32,
    /// Failed logins allowed per account within the window.
    pub max_failed_logins_per_account: usize,
    /// Failed logins allowed per client address within the window.
    pub max_failed_logins_per_address: usize,
    /// Length of the sliding window, in seconds.
    pub login_window_secs: u64,
    /// Milliseconds between polls of the database for revocations made by other processes.
    pub revocation_poll_interval_ms: u64,
}

impl Default for AccountsSettings {
    fn default() -> Self {
        Self {
            credential_lifetime_days: 42,
            max_failed_logins_per_account: 5,
            max_failed_logins_per_address: 20,
            login_window_secs: 900,
            revocation_poll_interval_ms: 500,
        }
    }
}

impl AccountsSettings {
    /// The credential lifetime.
    pub fn credential_lifetime(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.credential_lifetime_days))
    }

    /// The rate-limit window.
    pub fn login_window(&self) -> Duration {
        Duration::from_secs(self.login_window_secs.max(1))
    }

    /// The revocation poll interval.
    pub fn revocation_poll_interval(&self) -> Duration {
        Duration::from_millis(self.revocation_poll_interval_ms.max(50))
    }
}
