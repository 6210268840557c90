//! The sections of [`Settings`](super::Settings), each with its defaults.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

/// HTTP listener and TLS.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on (`host:port`); port 0 picks a free port.
    pub bind: String,
    /// Allow plain HTTP on a non-loopback address (only behind a TLS-terminating proxy).
    pub allow_insecure_public: bool,
    /// PEM certificate chain; with `tls_key`, serve HTTPS/WSS.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub tls_key: Option<PathBuf>,
    /// HTTP worker threads; `None` means one per CPU.
    pub workers: Option<usize>,
    /// Seconds graceful shutdown waits for in-flight requests.
    pub shutdown_timeout_secs: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".to_owned(),
            allow_insecure_public: false,
            tls_cert: None,
            tls_key: None,
            workers: None,
            shutdown_timeout_secs: 30,
        }
    }
}

/// Database connection.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://path`, a bare path, or `postgres://...`. Redacted in `Debug`.
    pub url: SecretString,
    /// Most pooled connections.
    pub pool_size: u32,
    /// Seconds a checkout waits for a connection.
    pub connection_timeout_secs: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: SecretString::from("sqlite://./data/server.db"),
            pool_size: 8,
            connection_timeout_secs: 10,
        }
    }
}

impl DatabaseSettings {
    /// The connection timeout as a `Duration`.
    pub fn connection_timeout(&self) -> Duration {
        Duration::from_secs(self.connection_timeout_secs)
    }
}

/// Sync protocol limits and timers (used by the WebSocket layer).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncSettings {
    /// Largest accepted message; larger ones get a protocol `error` and a close.
    pub max_message_bytes: usize,
    /// Estimated memory of the loaded documents above which the least recently used idle ones
    /// are evicted (sync-core charges each by its operations and changes, not its saved size).
    pub doc_memory_budget_bytes: usize,
    /// Seconds between server pings.
    pub heartbeat_interval_secs: u64,
    /// Seconds without any frame from the peer before the connection is closed.
    pub idle_timeout_secs: u64,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            max_message_bytes: 8 * 1024 * 1024,
            doc_memory_budget_bytes: 128 * 1024 * 1024,
            heartbeat_interval_secs: 15,
            idle_timeout_secs: 60,
        }
    }
}

impl SyncSettings {
    /// The heartbeat interval as a `Duration`.
    pub fn heartbeat_interval(&self) -> Duration {
        Duration::from_secs(self.heartbeat_interval_secs)
    }

    /// The idle timeout as a `Duration`.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs)
    }
}

/// Background compaction.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompactionSettings {
    /// Run the compactor.
    pub enabled: bool,
    /// Seconds between rounds.
    pub interval_secs: u64,
    /// Compact a document once it has more than this many chunks.
    pub min_chunks: i64,
    /// Most documents per round.
    pub docs_per_round: i64,
}

impl Default for CompactionSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            interval_secs: 300,
            min_chunks: 64,
            docs_per_round: 100,
        }
    }
}

/// The cells' roster documents, mirrored from the members on record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RosterSettings {
    /// Keep each cell's roster document equal to its members (for the field app).
    pub publish: bool,
    /// Seconds between rounds (a roster import shows on phones within this time).
    pub interval_secs: u64,
}

impl Default for RosterSettings {
    fn default() -> Self {
        Self {
            publish: true,
            interval_secs: 60,
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Logging.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetrySettings {
    /// Output format.
    pub format: LogFormat,
    /// `tracing` filter directives; `RUST_LOG` overrides it.
    pub filter: String,
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Pretty,
            filter: "info".to_owned(),
        }
    }
}

/// Metrics.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSettings {
    /// Most devices in the per-device "seconds since converged" gauge.
    pub max_device_series: usize,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        Self {
            max_device_series: 1000,
        }
    }
}
