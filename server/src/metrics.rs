//! Prometheus metrics of the sync server, served at `/metrics` in the OpenMetrics text format.
//!
//! [`Metrics`] is cheap to clone (an `Arc`); the WebSocket glue and the store update it, the
//! `/metrics` route encodes it. Label values come from `&'static str` reason/op codes or from
//! device ids through [`DeviceSyncTracker`], which caps its series, so label cardinality stays
//! bounded.

mod device_sync;

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

pub use device_sync::DeviceSyncTracker;

/// The content type of [`Metrics::encode`] output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Direction of a message or byte count, seen from the server.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
pub enum Direction {
    /// Received from a peer.
    In,
    /// Sent to a peer.
    Out,
}

/// What the ratings projector read a document from.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
pub enum ProjectionSource {
    /// The sync hub's copy of the document in memory, at the stored heads.
    Copy,
    /// The stored bytes, loaded.
    Stored,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    source: ProjectionSource,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DirectionLabels {
    direction: Direction,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OpLabels {
    op: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn sync_latency_histogram() -> Histogram {
    // 0.5 ms .. ~16 s
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

fn storage_latency_histogram() -> Histogram {
    // 0.1 ms .. ~3 s
    Histogram::new(exponential_buckets(0.0001, 2.0, 16))
}

/// All server metrics; clone freely.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    connections_open: Gauge,
    connections: Counter,
    messages: Family<DirectionLabels, Counter>,
    bytes: Family<DirectionLabels, Counter>,
    sync_latency: Histogram,
    storage_latency: HistogramFamily<OpLabels>,
    documents_resident: Gauge,
    documents_resident_bytes: Gauge,
    rejections: Family<ReasonLabels, Counter>,
    quarantines: Family<ReasonLabels, Counter>,
    reads_paused: Counter,
    device_sync: DeviceSyncTracker,
    projection_lag: Histogram,
    projection_pending: Gauge,
    projections: Family<SourceLabels, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// A fresh registry; `max_device_series` caps the per-device gauge's series.
    pub fn new(max_device_series: usize) -> Self {
        let mut registry = Registry::with_prefix("sync");
        let connections_open = Gauge::default();
        registry.register(
            "connections_open",
            "Open sync connections",
            connections_open.clone(),
        );
        let connections = Counter::default();
        registry.register(
            "connections",
            "Sync connections accepted",
            connections.clone(),
        );
        let messages = Family::<DirectionLabels, Counter>::default();
        registry.register("messages", "Sync messages by direction", messages.clone());
        let bytes = Family::<DirectionLabels, Counter>::default();
        registry.register("bytes", "Sync message bytes by direction", bytes.clone());
        let sync_latency = sync_latency_histogram();
        registry.register(
            "sync_latency_seconds",
            "Time from receiving a sync message to sending the reply",
            sync_latency.clone(),
        );
        let storage_latency: HistogramFamily<OpLabels> =
            Family::new_with_constructor(storage_latency_histogram);
        registry.register(
            "storage_latency_seconds",
            "Storage operation time by operation",
            storage_latency.clone(),
        );
        let documents_resident = Gauge::default();
        registry.register(
            "documents_resident",
            "Documents held in memory",
            documents_resident.clone(),
        );
        let documents_resident_bytes = Gauge::default();
        registry.register(
            "documents_resident_bytes",
            "Estimated bytes of documents held in memory",
            documents_resident_bytes.clone(),
        );
        let rejections = Family::<ReasonLabels, Counter>::default();
        registry.register(
            "rejections",
            "Refused messages by reason",
            rejections.clone(),
        );
        let quarantines = Family::<ReasonLabels, Counter>::default();
        registry.register(
            "quarantines",
            "Quarantined inputs by reason",
            quarantines.clone(),
        );
        let reads_paused = Counter::default();
        registry.register(
            "reads_paused",
            "Times a connection's frames were left unread until its peer had read the replies queued for it",
            reads_paused.clone(),
        );
        let device_sync = DeviceSyncTracker::new(max_device_series);
        device_sync.register(&mut registry);
        // 1 ms .. ~33 s
        let projection_lag = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        registry.register(
            "projection_lag_seconds",
            "Time from a durable commit to the document's ratings rows (dashboard freshness)",
            projection_lag.clone(),
        );
        let projection_pending = Gauge::default();
        registry.register(
            "projection_pending",
            "Commits whose documents the ratings projector has not written yet",
            projection_pending.clone(),
        );
        let projections = Family::<SourceLabels, Counter>::default();
        registry.register(
            "projections",
            "Documents the ratings projector rated, by what it read them from",
            projections.clone(),
        );
        Self {
            inner: Arc::new(Inner {
                registry,
                connections_open,
                connections,
                messages,
                bytes,
                sync_latency,
                storage_latency,
                documents_resident,
                documents_resident_bytes,
                rejections,
                quarantines,
                reads_paused,
                device_sync,
                projection_lag,
                projection_pending,
                projections,
            }),
        }
    }

    /// A sync connection was accepted.
    pub fn connection_opened(&self) {
        self.inner.connections.inc();
        self.inner.connections_open.inc();
    }

    /// A sync connection ended.
    pub fn connection_closed(&self) {
        self.inner.connections_open.dec();
    }

    /// One message of `bytes` bytes went `direction`.
    pub fn message(&self, direction: Direction, bytes: usize) {
        let labels = DirectionLabels { direction };
        self.inner.messages.get_or_create(&labels).inc();
        let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
        self.inner.bytes.get_or_create(&labels).inc_by(bytes);
    }

    /// Records the time a sync message took from receipt to reply.
    pub fn observe_sync_latency(&self, elapsed: Duration) {
        self.inner.sync_latency.observe(elapsed.as_secs_f64());
    }

    /// Records the time of storage operation `op` (e.g. `"commit_batch"`).
    pub fn observe_storage_latency(&self, op: &'static str, elapsed: Duration) {
        self.inner
            .storage_latency
            .get_or_create(&OpLabels { op })
            .observe(elapsed.as_secs_f64());
    }

    /// Sets the number and estimated bytes of documents held in memory.
    pub fn set_documents_resident(&self, documents: usize, bytes: usize) {
        self.inner
            .documents_resident
            .set(i64::try_from(documents).unwrap_or(i64::MAX));
        self.inner
            .documents_resident_bytes
            .set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }

    /// A message was refused for `reason` (a fixed snake_case code).
    pub fn rejected(&self, reason: &'static str) {
        self.inner
            .rejections
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }

    /// A connection's reads were paused until its peer reads what is queued for it.
    pub fn reads_paused(&self) {
        self.inner.reads_paused.inc();
    }

    /// An input was quarantined for `reason` (a fixed snake_case code).
    pub fn quarantined(&self, reason: &'static str) {
        self.inner
            .quarantines
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }

    /// A document's ratings rows were written `lag` after the commit that asked for them.
    pub fn observe_projection_lag(&self, lag: Duration) {
        self.inner.projection_lag.observe(lag.as_secs_f64());
    }

    /// A document was rated from `source`.
    pub fn projected_from(&self, source: ProjectionSource) {
        self.inner
            .projections
            .get_or_create(&SourceLabels { source })
            .inc();
    }

    /// One more commit awaits projection.
    pub fn projection_requested(&self) {
        self.inner.projection_pending.inc();
    }

    /// `commits` commits' documents were projected.
    pub fn projections_done(&self, commits: usize) {
        self.inner
            .projection_pending
            .dec_by(i64::try_from(commits).unwrap_or(i64::MAX));
    }

    /// `device_id` has just finished a sync in which both sides reached the same heads.
    pub fn device_converged(&self, device_id: &str) {
        self.inner.device_sync.converged(device_id);
    }

    /// The per-device convergence tracker.
    pub fn device_sync(&self) -> &DeviceSyncTracker {
        &self.inner.device_sync
    }

    /// Encodes every metric in the OpenMetrics text format (see [`CONTENT_TYPE`]).
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        self.inner.device_sync.refresh();
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.inner.registry)?;
        Ok(out)
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(DeviceSyncTracker::DEFAULT_MAX_SERIES)
    }
}
