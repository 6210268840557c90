//! The example configuration printed by `server default-config`.

/// A TOML file listing every setting with its default value.
pub const EXAMPLE_TOML: &str = r#"# Sync server configuration. Every key may be omitted (the value shown is the default) and
# overridden by an environment variable SYNC__<SECTION>__<KEY>, e.g. SYNC__SERVER__BIND.

[server]
# host:port to listen on. Plain HTTP on a non-loopback address refuses to start unless
# allow_insecure_public = true (use that only behind a TLS-terminating proxy).
bind = "127.0.0.1:8080"
allow_insecure_public = false
# PEM files; set both to serve HTTPS and WSS.
# tls_cert = "/etc/sync-server/cert.pem"
# tls_key = "/etc/sync-server/key.pem"
# workers = 2
shutdown_timeout_secs = 30

[database]
# sqlite://path (the directory is created) or postgres://user:password@host/db.
# DATABASE_URL is also read when SYNC__DATABASE__URL is not set.
url = "sqlite://./data/server.db"
pool_size = 8
connection_timeout_secs = 10

[sync]
max_message_bytes = 8388608
doc_memory_budget_bytes = 134217728
heartbeat_interval_secs = 15
idle_timeout_secs = 60

[compaction]
enabled = true
interval_secs = 300
min_chunks = 64
docs_per_round = 100

[rosters]
# Mirror each cell's members on record into its roster document (the field app prefills a new
# meeting's roster from it, offline); a roster import reaches phones within interval_secs.
publish = true
interval_secs = 60

[telemetry]
# "pretty" or "json"; RUST_LOG overrides filter.
format = "pretty"
filter = "info"

[metrics]
max_device_series = 1000

[accounts]
# Days a device enrolled by a login keeps working (offline too) before it must log in again.
credential_lifetime_days = 42
# Failed logins allowed within login_window_secs, per account and per client address.
max_failed_logins_per_account = 5
max_failed_logins_per_address = 20
login_window_secs = 900
# How often revocations made by `server admin ...` are picked up for live connections.
revocation_poll_interval_ms = 500
"#;
