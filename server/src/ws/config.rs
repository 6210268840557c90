//! Settings of the hub and its connections, derived from [`Settings`](crate::settings::Settings).

use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::ratings::projector::WRITE_BATCH;
use crate::settings::Settings;

/// The server's peer id, sent as `senderId` in every message.
pub const SERVER_PEER_ID: &str = "sync-server";

/// Limits and timers of the sync endpoint.
#[derive(Debug, Clone)]
pub struct HubConfig {
    /// The server's peer id.
    pub peer_id: String,
    /// The server's storage id, announced in `peer` (stable for one database).
    pub storage_id: String,
    /// Largest frame accepted; larger ones get an `error` and a close.
    pub max_message_bytes: usize,
    /// Bytes of documents the engine keeps in memory.
    pub doc_memory_budget: usize,
    /// Bytes of received frames that may wait for the hub, over all connections; readers stop
    /// reading (TCP backpressure) until the hub catches up.
    pub inbound_budget_bytes: usize,
    /// Bytes of frames that may wait to be written to a connection; a peer that does not read
    /// them is disconnected.
    pub outbound_budget_bytes: usize,
    /// Interval between server pings.
    pub heartbeat_interval: Duration,
    /// A connection without any frame (pong included) for this long is closed.
    pub idle_timeout: Duration,
    /// Most `Persist` items folded into one transaction. The ratings projector rates a
    /// commit's documents once it returns, [`WRITE_BATCH`] at a time, so a commit of no more
    /// than that is rated in one chunk: under a burst on PostgreSQL, commits of 80–141
    /// documents made the last of them wait for the chunks ahead (freshness p99 ≤2 s, ≤0.5 s
    /// with 32).
    pub max_commit_items: usize,
    /// Interval between full reloads of the access snapshot (tree, devices, roles), so tree
    /// changes and role grants made by other processes reach the sync layer.
    pub access_reload_interval: Duration,
}

impl HubConfig {
    /// The configuration for `settings`. The storage id is derived from the database URL so it
    /// stays the same across restarts (peers key their saved sync states by it).
    pub fn from_settings(settings: &Settings, database_url: &str) -> Self {
        let max = settings.sync.max_message_bytes.max(1024);
        Self {
            peer_id: SERVER_PEER_ID.to_owned(),
            storage_id: storage_id_for(database_url),
            max_message_bytes: max,
            doc_memory_budget: settings.sync.doc_memory_budget_bytes,
            inbound_budget_bytes: max.saturating_mul(4),
            outbound_budget_bytes: max.saturating_mul(2),
            heartbeat_interval: settings
                .sync
                .heartbeat_interval()
                .max(Duration::from_millis(100)),
            idle_timeout: settings.sync.idle_timeout().max(Duration::from_millis(200)),
            max_commit_items: WRITE_BATCH,
            access_reload_interval: Duration::from_secs(30),
        }
    }
}

/// A UUID-formatted id from a hash of `database_url` (the URL itself is never announced).
fn storage_id_for(database_url: &str) -> String {
    let digest = Sha256::digest(format!("sync-server-storage\0{database_url}").as_bytes());
    let h = hex::encode(&digest[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_storage_id_is_stable_per_database_and_hides_the_url() {
        let a = storage_id_for("postgres://u:secret@h/db");
        assert_eq!(a, storage_id_for("postgres://u:secret@h/db"));
        assert_ne!(a, storage_id_for("sqlite://other.db"));
        assert_eq!(a.len(), 36);
        assert!(!a.contains("secret"));
    }
}
