//! Typed configuration, layered: built-in defaults → optional TOML file (`--config`) →
//! environment → command-line flags.
//!
//! # Environment variables
//! Every setting can be set as `SYNC__<SECTION>__<KEY>` (double underscores, case-insensitive),
//! for example:
//!
//! | variable | setting | default |
//! |---|---|---|
//! | `SYNC__SERVER__BIND` | `server.bind` | `127.0.0.1:8080` |
//! | `SYNC__SERVER__ALLOW_INSECURE_PUBLIC` | `server.allow_insecure_public` | `false` |
//! | `SYNC__SERVER__TLS_CERT` / `SYNC__SERVER__TLS_KEY` | `server.tls_cert` / `tls_key` | unset |
//! | `SYNC__SERVER__WORKERS` | `server.workers` | number of CPUs |
//! | `SYNC__SERVER__SHUTDOWN_TIMEOUT_SECS` | `server.shutdown_timeout_secs` | `30` |
//! | `SYNC__DATABASE__URL` (or `DATABASE_URL`) | `database.url` | `sqlite://./data/server.db` |
//! | `SYNC__DATABASE__POOL_SIZE` | `database.pool_size` | `8` |
//! | `SYNC__DATABASE__CONNECTION_TIMEOUT_SECS` | `database.connection_timeout_secs` | `10` |
//! | `SYNC__SYNC__MAX_MESSAGE_BYTES` | `sync.max_message_bytes` | `8388608` (8 MiB) |
//! | `SYNC__SYNC__DOC_MEMORY_BUDGET_BYTES` | `sync.doc_memory_budget_bytes` | `134217728` |
//! | `SYNC__SYNC__HEARTBEAT_INTERVAL_SECS` | `sync.heartbeat_interval_secs` | `15` |
//! | `SYNC__SYNC__IDLE_TIMEOUT_SECS` | `sync.idle_timeout_secs` | `60` |
//! | `SYNC__COMPACTION__ENABLED` | `compaction.enabled` | `true` |
//! | `SYNC__COMPACTION__INTERVAL_SECS` | `compaction.interval_secs` | `300` |
//! | `SYNC__COMPACTION__MIN_CHUNKS` | `compaction.min_chunks` | `64` |
//! | `SYNC__COMPACTION__DOCS_PER_ROUND` | `compaction.docs_per_round` | `100` |
//! | `SYNC__TELEMETRY__FORMAT` | `telemetry.format` (`pretty` or `json`) | `pretty` |
//! | `SYNC__TELEMETRY__FILTER` | `telemetry.filter` (`RUST_LOG` wins) | `info` |
//! | `SYNC__METRICS__MAX_DEVICE_SERIES` | `metrics.max_device_series` | `1000` |
//! | `SYNC__ACCOUNTS__CREDENTIAL_LIFETIME_DAYS` | `accounts.credential_lifetime_days` | `42` |
//! | `SYNC__ACCOUNTS__MAX_FAILED_LOGINS_PER_ACCOUNT` | `accounts.max_failed_logins_per_account` | `5` |
//! | `SYNC__ACCOUNTS__MAX_FAILED_LOGINS_PER_ADDRESS` | `accounts.max_failed_logins_per_address` | `20` |
//! | `SYNC__ACCOUNTS__LOGIN_WINDOW_SECS` | `accounts.login_window_secs` | `900` |
//! | `SYNC__ACCOUNTS__REVOCATION_POLL_INTERVAL_MS` | `accounts.revocation_poll_interval_ms` | `500` |
//!
//! `DATABASE_URL` is honoured when `SYNC__DATABASE__URL` is not set.

mod example;
mod sections;

use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;

pub use example::EXAMPLE_TOML;
pub use sections::{
    CompactionSettings, DatabaseSettings, LogFormat, MetricsSettings, RosterSettings,
    ServerSettings, SyncSettings, TelemetrySettings,
};

/// All settings of the server.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// HTTP listener and TLS.
    pub server: ServerSettings,
    /// Database connection.
    pub database: DatabaseSettings,
    /// Sync protocol limits and timers.
    pub sync: SyncSettings,
    /// Background compaction.
    pub compaction: CompactionSettings,
    /// The cells' roster documents.
    pub rosters: RosterSettings,
    /// Logging.
    pub telemetry: TelemetrySettings,
    /// Metrics.
    pub metrics: MetricsSettings,
    /// Login sessions, device credential lifetime, login rate limits.
    pub accounts: crate::accounts::AccountsSettings,
}

/// Errors loading or checking settings.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file or environment could not be read or has wrong types or unknown keys.
    #[error("invalid configuration")]
    Load(#[from] config::ConfigError),
    /// `bind` does not resolve to any socket address.
    #[error("`server.bind` = `{bind}` is not a socket address")]
    BadBind {
        /// The configured value.
        bind: String,
    },
    /// Plain HTTP on an address reachable from other hosts.
    #[error(
        "refusing plain HTTP on non-loopback address `{bind}`: configure `--tls-cert`/`--tls-key` \
         or set `--allow-insecure-public` (e.g. behind a TLS-terminating proxy)"
    )]
    InsecurePublicBind {
        /// The configured value.
        bind: String,
    },
    /// Only one of the TLS certificate and key is set.
    #[error("`server.tls_cert` and `server.tls_key` must be set together")]
    IncompleteTls,
}

impl Settings {
    /// Loads settings from the defaults, `file` (if given, TOML, must exist) and the process
    /// environment.
    pub fn load(file: Option<&Path>) -> Result<Self, SettingsError> {
        Self::load_with_env(file, std::env::vars().collect())
    }

    /// [`Settings::load`] with an explicit environment (for tests).
    pub fn load_with_env(
        file: Option<&Path>,
        env: HashMap<String, String>,
    ) -> Result<Self, SettingsError> {
        let mut builder = config::Config::builder();
        if let Some(file) = file {
            builder = builder.add_source(
                config::File::from(file)
                    .format(config::FileFormat::Toml)
                    .required(true),
            );
        }
        let has_sync_url = env
            .keys()
            .any(|k| k.eq_ignore_ascii_case("SYNC__DATABASE__URL"));
        let database_url = env.get("DATABASE_URL").cloned();
        builder = builder.add_source(
            config::Environment::with_prefix("SYNC")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true)
                .source(Some(env)),
        );
        if let (false, Some(url)) = (has_sync_url, database_url) {
            builder = builder.set_override("database.url", url)?;
        }
        Ok(builder.build()?.try_deserialize()?)
    }

    /// The addresses `server.bind` resolves to.
    pub fn bind_addrs(&self) -> Result<Vec<SocketAddr>, SettingsError> {
        let bad = || SettingsError::BadBind {
            bind: self.server.bind.clone(),
        };
        let addrs: Vec<SocketAddr> = self
            .server
            .bind
            .to_socket_addrs()
            .map_err(|_| bad())?
            .collect();
        if addrs.is_empty() {
            return Err(bad());
        }
        Ok(addrs)
    }

    /// Refuses configurations that must not start: plain HTTP on a non-loopback address
    /// without `allow_insecure_public`, half a TLS configuration, an unusable bind address.
    pub fn check(&self) -> Result<(), SettingsError> {
        let addrs = self.bind_addrs()?;
        match (&self.server.tls_cert, &self.server.tls_key) {
            (Some(_), Some(_)) => Ok(()),
            (None, None) => {
                let public = addrs.iter().any(|a| !a.ip().is_loopback());
                if public && !self.server.allow_insecure_public {
                    return Err(SettingsError::InsecurePublicBind {
                        bind: self.server.bind.clone(),
                    });
                }
                Ok(())
            }
            _ => Err(SettingsError::IncompleteTls),
        }
    }
}

#[cfg(test)]
mod tests;
